"""`ecograph synth …`: write a synthetic bundle (mounted by api.cli.main as the `synth` group)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

app = typer.Typer(help="合成数据 / synthetic bundles with a truth file", no_args_is_help=True, add_completion=False)


@app.callback()
def main() -> None:
    """合成数据 / synthetic bundles with a truth file."""


@app.command("generate")
def generate(
    out_dir: Path = typer.Argument(..., help="输出目录 / output directory"),
    seed: int = typer.Option(1, "--seed", help="随机种子，相同种子生成相同文件 / seed"),
    scale: int = typer.Option(1, "--scale", help="规模倍数，1 约为一千余条记录 / scale factor"),
    variation: bool = typer.Option(
        False, "--variation", help="变体模式：另一套措辞、写法和单一关联成员，用于评估 / variation mode, for evaluation"
    ),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出 / JSON output"),
) -> None:
    """生成合成数据包（各格式文件 + truth.json）/ generate a synthetic bundle."""
    from synthetic import generate_bundle

    if scale < 1:
        typer.echo("错误 / error: --scale 必须 ≥ 1", err=True)
        raise typer.Exit(2)
    if out_dir.exists() and not out_dir.is_dir():
        typer.echo(f"错误 / error: {out_dir} 不是目录", err=True)
        raise typer.Exit(2)
    t0 = time.perf_counter()
    generate_bundle(out_dir, seed=seed, scale=scale, variation=variation)
    secs = time.perf_counter() - t0
    with open(out_dir / "truth.json", encoding="utf-8") as fh:
        head = ""
        for line in fh:
            if line.startswith('  "gangs"'):
                break
            head += line
    meta = json.loads(head.rstrip().rstrip(",") + "}")
    files = meta["files"]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "out_dir": str(out_dir),
                    "seed": seed,
                    "scale": scale,
                    "variation": variation,
                    "seconds": round(secs, 2),
                    "files": files,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    mode = "，变体模式" if variation else ""
    typer.echo(f"已生成合成数据 / bundle written: {out_dir}（种子 {seed}，规模 {scale}{mode}，用时 {secs:.1f} 秒）")
    for name, info in files.items():
        typer.echo(f"  {name}: {info['records']} 条")
    typer.echo(f"  共 {meta['records_written']} 条记录 / records written")
    typer.echo("  truth.json: 植入真值 / planted truth")
