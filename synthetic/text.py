"""Free-text phrasing: colloquial callers, terse grid workers, formal case narratives.

Templates use `[a|b|c]` for alternatives (nestable, an empty alternative drops
the part) and `{slot}` for values.  Each text is assembled from several parts,
each with many alternatives, so no record type has a single recognisable shape.
"""

from __future__ import annotations

import random
import re

_ALT = re.compile(r"\[([^\[\]]*)\]")


def expand(rng: random.Random, template: str, **slots: object) -> str:
    text = template
    while True:
        new = _ALT.sub(lambda m: rng.choice(m.group(1).split("|")), text)
        if new == text:
            break
        text = new
    return text.format(**slots) if slots else text


def pick(rng: random.Random, options, **slots: object) -> str:
    return expand(rng, rng.choice(options), **slots)


# ------------------------------------------------------------------ shared bits
NIGHT = (
    "[昨天|前天|这两天|最近几天|这个礼拜|上个星期][晚上|夜里|半夜|深夜][十一点多|十二点左右|一两点|两三点|]",
    "[每天|天天|隔三岔五|经常]半夜[里|]",
    "凌晨[一|两|三|四]点[多|左右|钟]",
    "[晚上|夜里]十[点|一点|二点][多|左右|以后]",
    "[最近|这段时间][一到晚上|天一黑|一到半夜]",
)
DAY = ("[今天|昨天][上午|下午|中午]", "[这几天|最近][白天|大白天]", "[今天|刚才|早上]")
CALLER_OPEN = (
    "",
    "",
    "我要反映一个情况，",
    "你好，我是[附近的|这边的|本村的|]村民，",
    "喂，我[想|要]投诉一下，",
    "麻烦你们管一管，",
    "[我们|我]就住在[附近|边上|这一带]，",
    "不好意思打扰一下，",
    "我再反映一次，",
    "[我是|]路过的，",
    "我家就在边上，",
)
CALLER_CLOSE = (
    "",
    "请[有关部门|政府|你们|环保局|相关部门][尽快|赶紧|快点][来|][查一查|处理|看看|管管]。",
    "希望[能|][尽快|早点]处理。",
    "[已经|都]反映过[好几次|两次|一次]了，[没人管|一直没解决|还是这样]。",
    "[这样下去|再这样]老百姓[怎么|还怎么]过日子？",
    "[请|麻烦]回电。",
    "[大家|村里人]都很[担心|着急|气愤]。",
    "不要[再|]敷衍了！",
    "[谢谢|谢谢了]。",
)


def night(rng: random.Random) -> str:
    return pick(rng, NIGHT)


# ------------------------------------------------------------------ hotline
def hotline_dump(rng, place: str, plate: str | None = None, smell: bool = True) -> str:
    body = (
        "{place}[这|]{when}[经常|老是|总是|又]有[大车|大货车|罐车|卡车|一辆车|几辆车][进进出出|开进去|过来][，|,][不开大灯|开着大灯|声音很响|轰隆隆的]",
        "{when}[我看到|看见|发现]有车[往|到]{place}[里面|那边][倒东西|倒水|卸东西|倒垃圾]",
        "{place}被人[偷偷|半夜|]倒了[不少|好多|一大堆][东西|废料|废水|污泥|桶装的东西]",
        "有人{when}[往|在]{place}[偷倒|乱倒|倾倒][废液|废水|垃圾|化工废料|污泥]",
        "{place}那边{when}[来了|停了]一辆[罐车|货车|大车|槽罐车]，[一停就是|停了][个把|一两|两三]个小时",
    )
    detail = (
        "",
        "[早上|白天|今天]去看[坑里|水里|地上]的水[颜色|都][发黄|发黑|发红|是绿的|不对]",
        "[味道|气味][刺鼻|冲得很|很呛|酸溜溜的|像农药]",
        "[路上|地上]有[新的|很深的][车辙|轮胎印]",
        "[附近|旁边]的[草|庄稼|竹子|树]都[枯了|发黄了|死了]",
        "[眼睛|喉咙]都[辣|疼|难受]",
    )
    text = pick(rng, CALLER_OPEN, village=place) + pick(rng, body, place=place, when=night(rng))
    if plate:
        text += pick(
            rng,
            ("，车牌[好像|大概|我记得]是{p}", "，[我拍到了|记下了]车牌{p}", "，[其中|]一辆车牌号{p}", "（车牌{p}）"),
            p=plate,
        )
    if smell or rng.random() < 0.6:
        text += "，" + pick(rng, detail[1:])
    return _end(text + pick(rng, ("。", "！", "，")) + pick(rng, CALLER_CLOSE))


def _end(text: str) -> str:
    return text[:-1] + "。" if text.endswith("，") else text


def hotline_mining(rng, place: str, plate: str | None = None) -> str:
    body = (
        "{place}{when}[有|来了][挖掘机|钩机|挖机]在[挖砂|挖土|挖山]，[大卡车|自卸车|渣土车][一车一车|一趟一趟]往外拉",
        "{place}[河里|河滩上|山上]被人[挖了|挖出][好几个|一个很大的][大坑|深坑]，[河岸都塌了|树都倒了|水都浑了]",
        "[有人|有一伙人]{when}在{place}[偷挖|盗采|偷采][河砂|砂石|泥土]，[吵得|轰得]睡不着",
        "{when}{place}[一直|老是]有[渣土车|自卸车|大货车][进出|来来回回]，[路都压坏了|灰尘很大|掉得满路是泥]",
    )
    text = pick(rng, CALLER_OPEN) + pick(rng, body, place=place, when=night(rng))
    if plate:
        text += pick(rng, ("，[有一辆|其中一辆]车牌是{p}", "，我拍到一辆{p}", "（车牌{p}）"), p=plate)
    return _end(text + rng.choice(("。", "！", "，")) + pick(rng, CALLER_CLOSE))


def hotline_water(rng, place: str, river: str, what: str) -> str:
    what_s = {
        "color": "[河水|水][发黑|发白|发黄|变红|像酱油一样|一片浑浊]",
        "fish": "[河里|塘里|水面上][死鱼|翻白的鱼][一大片|好多|漂了一层]",
        "foam": "[河面|水面]上[全是|有很多|漂着][白沫|泡沫|油花]",
        "smell": "[河边|水边][臭得很|臭气熏天|一股化学味|味道刺鼻]",
        "pipe": "有根[管子|暗管|水泥管][往河里|往{river}里][排水|排污水|冒黄水|冒白水]",
    }[what]
    body = (
        "{place}[这边|那里|附近]的{river}{when}" + what_s,
        "{river}{place}段" + what_s + "，[已经|]好几天了",
        "我们{place}[门口|村口|边上]那条[河|{river}]" + what_s,
        what_s + "，[地点|位置|就]在{place}[附近|那一段|桥下面]",
    )
    when = rng.choice(("", "这两天", "今天早上", "最近", night(rng)))
    text = pick(rng, CALLER_OPEN, village=place) + pick(rng, body, place=place, river=river, when=when)
    if rng.random() < 0.4:
        text += "，" + pick(
            rng,
            (
                "[怀疑|估计|可能]是[上游|边上|附近]哪个厂偷排的",
                "[晚上|夜里]排得最多",
                "[鸭子|鹅]都不敢放了",
                "鱼塘的鱼也[死了|浮头了]",
            ),
        )
    return _end(text + pick(rng, ("。", "！")) + pick(rng, CALLER_CLOSE))


def hotline_smell_plant(rng, place: str, company_text: str | None) -> str:
    # a slot's value is not expanded by `pick`: the unnamed plant is phrased here, from a
    # generator of its own (seeded by the place) so that every other text of a seed stays as it was
    who = company_text or expand(random.Random(place), "[那家|边上的|附近的][化工厂|厂|工厂|企业]")
    body = (
        "{place}{who}{when}[排|冒|放][臭气|黑烟|白烟|刺鼻的气体]，[窗户都不敢开|熏得睡不着|小孩一直咳嗽]",
        "{when}[闻到|有]一股[酸味|化学味|臭鸡蛋味|油漆味]，[应该|肯定|好像]是{who}[排出来的|搞的]，[地址|位置]在{place}",
        "{who}[最近|这段时间][晚上|夜里]偷偷[排|放][废气|污水]，{place}[一带|周边]都[闻得到|受影响]",
    )
    return (
        pick(rng, CALLER_OPEN, village=place)
        + pick(rng, body, place=place, who=who, when=night(rng))
        + "。"
        + pick(rng, CALLER_CLOSE)
    )


def hotline_fishing(rng, place: str, vessel: str | None, sea: bool) -> str:
    if sea:
        body = (
            "{place}[外面|东边|附近]海上{when}有[渔船|条船][亮着灯|开着灯][在拖网|作业|捕鱼]，[现在不是休渔期吗|现在已经休渔了]",
            "{place}码头[早上|今天][有渔船|有条船]在卸[鱼|货]，[都是|全是][小鱼|幼鱼|很小的小黄鱼]，[装了|拉了][好几车|一车]",
            "休渔期还有船偷偷出海，[就在|在]{place}",
        )
    else:
        body = (
            "{place}[那边|岸边|河边]{when}有[人|两个人|几个人][开着小船|划着铁皮船|站在岸上][在|]电鱼，[鱼都翻白了|背着电瓶|一电一大片]",
            "有人在{place}[用电|用地笼|用丝网][捕鱼|抓鱼]，[禁渔期|现在禁捕]还这样",
            "{when}[看到|发现]{place}有[船|人]在电鱼",
        )
    text = pick(rng, CALLER_OPEN, village=place) + pick(rng, body, place=place, when=night(rng))
    if vessel:
        text += pick(rng, ("，船号[好像|]是{v}", "，船上写着{v}", "（{v}）"), v=vessel)
    return text + "。" + pick(rng, CALLER_CLOSE)


def hotline_hunting(rng, place: str, plate: str | None) -> str:
    body = (
        "{place}[后山|竹林里|山上|林子里][挂了|拉了|有][好几张|很多|一排][网|鸟网|细网]，[网上|上面][挂着|粘着][好多|不少]小鸟",
        "{place}[山里|山坳里]有人[下|放][钢丝套|夹子|铁夹]，[抓|套][野猪|麂子|野兔]",
        "{when}{place}[有人|几个人]拿着手电[在|]打[鸟|野鸡|野兔]",
    )
    text = pick(rng, CALLER_OPEN, village=place) + pick(rng, body, place=place, when=night(rng))
    if plate:
        text += pick(rng, ("，[山脚下|路边]停着一辆车{p}", "，[开|是]一辆{p}的车来的"), p=plate)
    return _end(
        text
        + "，"
        + pick(rng, ("估计是卖给饭店的", "[太|很]残忍了", "[有的|好多]已经死了"))
        + "。"
        + pick(rng, CALLER_CLOSE)
    )


BACKGROUND_HOTLINE = {
    "噪声": (
        "{when}{place}[那个|一家][石材厂|木材加工厂|铸造厂]的机器[轰隆隆的|吵得要命]，[我们|家里]老人[心脏不好|睡不着]。",
        "{place}[半夜|凌晨]还有[渣土车|货车]按喇叭，[太吵了|严重扰民]。",
        "{place}[楼下|隔壁|边上]的[加工点|厂房|工地|饭店][晚上|半夜][机器|噪音][响个不停|吵得睡不着]，[已经|都][十点|十一点|十二点]多了还在干。",
        "{place}有个[工地|厂]{when}施工，[噪声|声音]太大了，老人小孩都睡不好。",
        "反映{place}[广场舞|KTV|夜宵摊]噪音扰民问题。",
    ),
    "大气污染": (
        "{place}[田里|田埂上|空地上]有人在[烧|焚烧][秸秆|塑料|垃圾|农药瓶]，[烟很大|黑烟滚滚|味道难闻]。",
        "{place}[那个|一家][锅炉|砖厂|厂]烟囱[一直|天天]冒黑烟，[衣服都不敢晒|家里全是灰]。",
        "{place}[饭店|烧烤店]油烟直排，[楼上|住户]受不了。",
    ),
    "其他": (
        "{place}[有人|有户人家][私自|乱][砍伐|砍]树，[山上|路边]的[竹子|树]都被砍光了。",
        "{place}[河边|路边][倒了|堆着][一堆|好多][装修垃圾|建筑垃圾|旧家具]，[没人管|一直没人清]。",
        "{place}[路边|河边|村口]的垃圾[好几天|一个礼拜]没人[清|收]了，[臭气熏天|苍蝇很多]。",
        "{place}有人[占用|乱堆]建筑垃圾，[挡住了路|堵了水沟]。",
        "{place}[养殖场|猪场|鸡棚]的味道太大，[夏天|天一热]根本受不了。",
    ),
    "水污染": (
        "{place}[小区|村里]的[生活污水|化粪池]满出来了，流到[河里|路上]。",
        "{place}河道[里|上]漂着很多[水葫芦|垃圾|塑料袋]，没人打捞。",
    ),
}


def hotline_background(rng, category: str, place: str) -> str:
    when = rng.choice(DAY + NIGHT)
    return (
        pick(rng, CALLER_OPEN, village=place)
        + pick(rng, BACKGROUND_HOTLINE[category], place=place, when=expand(rng, when))
        + pick(rng, CALLER_CLOSE)
    )


def reply_text(rng, outcome: str, **s: object) -> str:
    """Reply of the handling unit; outcomes: nothing, named, referred, fixed."""
    opts = {
        "nothing": (
            "经[镇|街道][综合行政执法队|生态办|环保站]会同[村委|村网格员]于{date}现场查看，[未发现|暂未发现][倾倒|排污|异常]痕迹，[水色偏黄系泥沙所致|系雨后积水|现场无异味]。已要求村委加强[夜间|]巡查。",
            "[工作人员|执法人员]到场时[未发现|没有看到]反映的情况，已[做好记录|向来电人说明]，将持续关注。",
            "经核实，反映情况不属实。",
        ),
        "named": (
            "经查，[系|为]{company}[所为|违规排放|的车辆倾倒]，[已|现已][责令整改|立案调查|移送公安机关]。",
            "经[现场|]调查，{who}[驾驶|开着]车辆[将废液|将废料|夜间]倾倒于[上述地点|该处]，[案件|线索]已移送{police}。",
            "[生态环境部门|执法队]已[采样|取证]，涉事[企业|单位]为{company}，[相关责任人|{who}]已被[控制|约谈|立案]。",
            "经查，{company}[相关人员|员工]{who}[等人|]涉嫌非法[处置|倾倒]危险废物，已移交{police}侦办。",
        ),
        "referred": (
            "[线索|该工单]已[转|推送][至|给]{police}[及相关部门|]处理。",
            "已派员现场处置，[相关情况|线索]已移送{police}。",
            "[渔政|林业|执法]人员[会同|联合]公安民警到场，[查获|扣押]工具一套，[涉嫌人员|当事人]已移交{police}。",
        ),
        "fixed": (
            "已[督促|要求][相关单位|责任人][整改|清理]完毕，[来电人|群众]表示满意。",
            "已[清理|清运|处置]完毕。",
            "已责令停止[施工|作业]，[并|]处以罚款。",
            "经协调，问题已解决。",
        ),
    }[outcome]
    if s.get("company"):
        opts = tuple(o for o in opts if "{company}" in o)
    elif outcome == "named":
        opts = tuple(o for o in opts if "{company}" not in o)
    return pick(rng, opts, **s)


# ------------------------------------------------------------------ grid
def grid_dump(rng, place: str, plate: str | None) -> str:
    body = (
        "[巡查|根据转办工单|接群众反映][至|到]{place}[查看|]，[坑内|现场][积水|水体][发黄|发黑|呈酸性|有异味]",
        "{place}[发现|有][新鲜|较新][车辙|轮胎印]，[疑似|怀疑][夜间|有车辆][倾倒|偷倒]",
        "[现场|{place}]堆放[废桶|不明废料|污泥][约|大约]{n}[个|吨|方]，[无标识|来源不明]",
        "{place}[pH试纸|试纸]测[约|]{ph}，[积水|坑水]有刺鼻[酸味|气味]",
        "[今日|上午|下午]走访{place}，[周边|附近]村民[称|反映]前几天[半夜|夜里]有[罐车|大车]进出",
        "{place}[边坡|坑边|便道旁][草木|植被][枯黄|发黑]，[面积约|约]{n}平方米",
        "[复查|再次查看]{place}：[水色|积水颜色][仍|依然][异常|发黄]，[未见|无]新增倾倒",
        "{place}[入口|便道口][限高杆|铁门]被[破坏|撬开]，[地面|路面]有[油污|液体]痕迹",
    )
    t = pick(rng, body, place=place, n=rng.randrange(2, 60), ph=rng.choice(("2", "3", "2.5", "4")))
    if plate:
        t += pick(
            rng,
            (
                "；[现场|路口]停有车辆{p}",
                "，[车辆|涉事车辆]{p}已离开",
                "；[监控|村民]显示{p}[夜间|凌晨]进出",
                "，[村民|群众]提供车牌{p}",
                "（[疑似车辆|可疑车辆]：{p}）",
            ),
            p=plate,
        )
    return t + rng.choice(("。", "。", "，已拍照。", "，已拍照取证。", "，已留存影像。"))


def grid_water(rng, place: str, river: str, what: str) -> str:
    body = (
        "{river}{place}段[水体|河水][发黑|浑浊|发白|有泡沫]，[有|伴有][异味|臭味]",
        "{place}[附近|段]{river}[发现|出现]死鱼[约|]{n}[斤|条|公斤]",
        "[巡河|巡查]发现{place}[一处|一根][暗管|排口][正在排水|排放[黄色|白色|黑色]废水]",
        "{place}{river}[水面|岸边][漂浮|有][白色泡沫|油膜|死鱼]",
        "[河长|网格员]巡河：{river}（{place}）[水质|水色]异常，[已|]通知[村委|镇生态办]",
        "{place}[桥下|河埠头]{river}[水体|河水][呈|为][乳白色|黄绿色|酱黑色]，[范围|长度]约{n}米",
    )
    return pick(rng, body, place=place, river=river, n=rng.randrange(5, 80)) + rng.choice(
        ("。", "，已拍照。", "，已取水样。", "。", "，已上报。")
    )


def grid_background(rng, category: str, place: str) -> str:
    opts = {
        "噪声": ("{place}[加工点|工地][夜间|]施工噪声扰民。", "{place}机器噪声，已劝导。"),
        "大气污染": ("{place}[农田|空地]焚烧[秸秆|垃圾]，已[扑灭|制止]。", "{place}[露天|]焚烧[废塑料|杂物]。"),
        "其他": (
            "{place}[垃圾|杂物]堆放[未清运|较多]。",
            "{place}[违章|乱]搭建。",
            "{place}[道路|沟渠]堵塞。",
            "{place}河道漂浮物较多。",
        ),
        "水污染": ("{place}生活污水外溢。", "{place}河道[有|]少量漂浮物。"),
    }[category]
    return pick(rng, opts, place=place)


def grid_result(rng, status: str) -> str:
    if status == "已办结":
        return pick(
            rng,
            (
                "已[处置|清理|劝导]完毕。",
                "已[告知|要求]村委[整改|加强巡查]。",
                "现场已[整改|恢复]。",
                "[当事人|责任人]已整改。",
            ),
        )
    if status == "已流转":
        return pick(
            rng,
            (
                "已[上报|报告|推送][镇|街道][生态办|综治中心|执法队]。",
                "已流转[生态环境分局|公安|执法大队]。",
                "已拍照取证并报告派出所。",
            ),
        )
    return pick(rng, ("待处置。", "", "已上报，等待处置。"))
