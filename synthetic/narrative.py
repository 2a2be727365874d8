"""Formal case narratives (简要案情), assembled from many sentence forms per crime."""

from __future__ import annotations

import random

from synthetic.text import expand, pick

LEADS = (
    "{d0}，{county}12345热线接群众反映，{place}[有人|夜间有人|疑似有人]{act}。",
    "{d0}，[{town}|镇]网格员在日常巡查中发现{place}{clue}，[随即|当即]上报。",
    "{d0}，我局[民警|治安大队|食药环大队]在[工作中|巡逻时|专项行动中]发现{place}{clue}。",
    "[根据|经]{agency}移送的线索，{d0}{place}{clue}。",
    "{d0}[接|收到]群众[举报|来信|电话举报]，称{place}{act}。",
    "{d0}，[经|通过]卡口[比对|预警|数据研判]发现[可疑车辆|异常车辆轨迹]，[民警|我局]循线[查至|追查至]{place}。",
    "{d0}[凌晨|深夜|夜间]，[巡逻民警|派出所民警]在{place}[附近|]发现[形迹可疑人员|可疑车辆]，[经盘查|经初步调查]，{place}{clue}。",
    "[本案系|该案系]{agency}在[日常检查|专项执法|“清废”行动]中发现后移送我局。经查，{d0}前后{place}{clue}。",
    "{d0}，{county}[某|一]村民[到派出所|来我局]报案称，{place}{act}。",
    "[根据|依据][上级|市局]下发的[线索|研判指令]，我局于{d0}[对|在]{place}[开展|进行]核查，[发现|查明]{place}{clue}。",
)
CLUES = {
    "dump": (
        "[积水|坑内积水]呈[酸性|异色]并有刺鼻气味",
        "堆放不明废料",
        "有新鲜[罐车|货车]车辙及倾倒痕迹",
        "[植被|树木]大面积枯死",
    ),
    "fishing": ("有人使用[电捕鱼|禁用]工具捕鱼", "[有渔船|有船只][违规|]作业", "[水面|岸边]有大量死鱼"),
    "sea": ("[有渔船|有船只]在休渔期内出海作业", "[码头|港区]有渔船卸载幼鱼"),
    "hunting": ("[架设|布设]有[捕鸟网|雾网|钢丝套|猎夹]", "有人[夜间|]持[强光手电|工具]猎捕野生动物"),
    "mining": ("[河道|河床]有[新挖|大面积]砂坑", "[山体|林地]被[挖掘|开挖]取土", "[夜间|深夜]有挖掘机和自卸车作业"),
}
ACTS = {
    "dump": ("倾倒[废液|废料|污泥|化工废料]", "[偷排|排放]不明废水"),
    "fishing": ("电鱼", "非法捕捞"),
    "sea": ("[违规|非法]捕捞", "休渔期出海"),
    "hunting": ("[捕鸟|猎捕野生动物]", "[下套|设网][捕猎|捕鸟]"),
    "mining": ("非法采砂", "盗挖[砂石|泥土]"),
}
AGENCIES = (
    "[市|县|区]生态环境[局|分局]",
    "[市|县]农业农村局渔政执法[支队|大队]",
    "[县|区]林业局",
    "[县|市]水利局",
    "海警工作站",
    "综合行政执法局",
)


def _people(rng: random.Random, names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return "、".join(names[:-1]) + rng.choice(("和", "、", "及")) + names[-1]


def narrative(rng: random.Random, crime: str, s: dict) -> str:
    """crime ∈ dump, fishing, sea, hunting, mining; `s` holds the slots (see bundle)."""
    names = s["names"]
    parts = [
        pick(
            rng,
            LEADS,
            d0=s["d0"],
            county=s["county"],
            town=s["town"],
            place=s["place"],
            act=expand(rng, rng.choice(ACTS[crime])),
            clue=expand(rng, rng.choice(CLUES[crime])),
            agency=expand(rng, rng.choice(AGENCIES)),
        )
    ]
    who = _people(rng, names)
    lead = names[0]
    crew = _people(rng, names[1:]) if len(names) > 1 else ""
    slots = dict(
        who=who,
        lead=lead,
        crew=crew,
        place=s["place"],
        since=s["since"],
        qty=s["qty"],
        n=s["times"],
        gain=s["gain"],
        company=s.get("company") or "",
        plate=s.get("plate") or "",
        vessel=s.get("vessel") or "",
        waste=s.get("waste") or "废液",
        d1=s["d1"],
        species=s.get("species") or "",
        driver=s.get("driver") or lead,
    )
    facts = {
        "dump": (
            "经查，犯罪嫌疑人{who}[为牟取非法利益|为赚取差价|为节省处置费用]，自{since}起[多次|先后{n}次]将{waste}[运至|拉到]{place}倾倒，共计约{qty}吨。",
            "[经查明|经侦查]，{since}以来，{lead}[纠集|伙同|雇佣]{crew}[在|于]夜间[驾车|开车]将{waste}倾倒于{place}，[非法获利|获利]{gain}元。",
            "{since}，{lead}[以每吨|按每吨][300|400|500|600|800]元的价格[承接|揽收]{waste}，[交由|安排]{crew}[运输|倾倒]，[先后|累计]{n}次[倾倒于|卸入]{place}。",
        ),
        "fishing": (
            "经查，犯罪嫌疑人{who}明知[禁渔期|禁捕期间|该水域禁止捕捞]，仍[于|自]{since}起[先后|]{n}次[在|于]{place}使用电捕鱼工具捕捞，[捕获|渔获物]{species}等约{qty}公斤。",
            "{since}以来，{lead}[伙同|纠集|与]{crew}[驾驶|使用][铁皮船|小船|快艇]在{place}[电鱼|非法捕捞]，所获{species}销往[农贸市场|饭店|鱼贩]，[非法获利|获利]{gain}元。",
        ),
        "sea": (
            "经查，犯罪嫌疑人{lead}系渔船{vessel}[船长|实际经营人]，明知[伏季休渔期|休渔期间]禁止出海作业，仍[伙同|带领]{crew}[于|自]{since}起[驾船|]在{place}[拖网|张网]作业，捕获{species}等约{qty}吨。",
            "{since}，{who}[驾驶|使用]{vessel}在{place}[违规|非法]捕捞，[渔获物|捕获的{species}]经[冷藏车|收购船]转运销售，[非法获利|获利]{gain}元。",
        ),
        "hunting": (
            "经查，犯罪嫌疑人{who}自{since}起在{place}[禁猎区|禁猎期内][架设|布设][雾网|钢丝套|猎夹]，猎捕{species}等野生动物{n}只，[以每只|按只]出售给[饭店|农家乐|收购人员]。",
            "{since}以来，{lead}[伙同|纠集]{crew}多次[夜间|]在{place}猎捕{species}，[非法获利|获利]{gain}元。",
        ),
        "mining": (
            "经查，犯罪嫌疑人{lead}在未取得[采砂许可|采矿许可证]的情况下，自{since}起[雇佣|纠集]{crew}在{place}[夜间|]非法采挖[砂石|泥土]约{qty}立方米，[经价格认定|经认定]价值{gain}元。",
            "{since}，{who}[使用|驾驶]挖掘机及自卸货车在{place}盗采[砂石|河砂]，[运往|销往][料场|工地]，[共计|累计]约{qty}立方米。",
        ),
    }[crime]
    parts.append(pick(rng, facts, **slots))
    if s.get("plate"):
        parts.append(
            pick(
                rng,
                (
                    "[作案时|其间]，{driver}[驾驶|使用][车辆|货车|车牌号为]{plate}[的车辆|]往返运输。",
                    "经[调取|查看][卡口|视频]监控，{plate}[于|在]{d1}[夜间|凌晨|深夜][驶入|进入]{place}[方向|]。",
                    "涉案车辆{plate}[系|为]{driver}[实际|]驾驶。",
                    "[民警|我局]在{plate}[车内|车厢内]查获[作案工具|残留物]。",
                ),
                **slots,
            )
        )
    if s.get("company"):
        parts.append(
            pick(
                rng,
                (
                    "{waste}系{company}[生产过程中|]产生，[该公司|公司][相关负责人|]明知{lead}[无处置资质|不具备运输资质]仍[交由其处置|将其交付]。",
                    "[经查|另查明]，{company}[将|把]{waste}交由{lead}[处置|运输]，未[依法|]填报转移联单。",
                    "[涉案|上述]{waste}来源于{company}。",
                ),
                **slots,
            )
        )
    for name, phone in s.get("phones", []):
        parts.append(
            pick(
                rng,
                (
                    "经调取通话记录，{name}[使用|实际使用]的手机号码{phone}[与同案人|与其他嫌疑人][联系频繁|在案发时段多次通话]。",
                    "{name}[到案后|]供述，[作案期间|平时][使用|联系]号码{phone}[联系|安排][运输|作业]。",
                    "[案发前后|其间]，号码{phone}（{name}使用）与[其他|多名]嫌疑人[多次通话|频繁联络]。",
                ),
                name=name,
                phone=phone,
            )
        )
    for extra in s.get("extra", []):
        parts.append(extra)
    parts.append(
        pick(
            rng,
            (
                "{d1}，民警[将|在{place}将]犯罪嫌疑人{who}[抓获|当场抓获|传唤到案]。",
                "{d1}，[犯罪嫌疑人|]{lead}[到案|被抓获]，[其余|同案]人员[先后|陆续]到案。",
                "目前，{who}已被[刑事拘留|取保候审|采取强制措施]，案件正在进一步侦办中。",
                "[经鉴定|经检测]，[涉案物品|倾倒物|现场样品][属于|为|系][危险废物|禁用渔具|国家重点保护野生动物|国家二级重点保护野生动物]。案件[正在侦办中|已移送审查起诉]。",
                "[现|]已[扣押|查扣][作案工具|涉案车辆|渔获物]。{who}对犯罪事实供认不讳。",
                "[目前|现]{lead}已被依法刑事拘留，[其余|同案]人员[取保候审|另案处理|正在追捕]。",
                "{d1}，[我局|民警][依法|]对{who}[采取刑事强制措施|立案侦查]，[相关|涉案]证据已固定。",
                "[鉴于|因]{lead}[认罪认罚|如实供述]，[已|]对其[取保候审|变更强制措施]，本案[仍在|正在]侦查中。",
            ),
            **slots,
        )
    )
    return "".join(parts)
