#!/usr/bin/env python3
"""检查规则包中的 examples：每条 examples.bad 应被该规则报告，每条 examples.good 不应被报告。

xxgk 本身不运行 examples（它们只是 `xxgk explain` 和 SARIF 输出中的说明文字），
本脚本按需把它们当作测试来运行。见 docs/rule-packs.md“为规则包写测试”。

Checks a pack's examples: each examples.bad text must produce a finding of its
rule, each examples.good text none. xxgk itself never runs the examples.

用法 / usage:
    python3 tests/packs/check-examples.py PACK.toml [OTHER.toml ...] [--year 2022] [--xxgk PATH]

列出的所有包都会加载（一个包继承另一个自写的包时，把两个都列上），并检查它们的 examples。
每条示例单独写成一个文件，用 xxgk.toml 的 packs 强制选用这些包（单行示例认不出发布机关）。
规则有年度条件（when.regime、when.year-from/to）而没有给 --year 时，自动取一个满足条件的年度。
有 when.issuer 条件的规则，单行示例认不出发布机关，不会运行：这类示例会显示为失败。
退出码：0 全部通过，1 有示例不符，2 无法运行。
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import tomllib

REGIME_OF = lambda year: "2007" if year <= 2018 else ("2019" if year <= 2020 else "2021")


def year_for(when, given):
    """The year to check a rule's examples in: the given one, else one the rule's
    `when` accepts, else none."""
    if given is not None:
        return given
    regimes = when.get("regime", [])
    lo, hi = when.get("year-from"), when.get("year-to")
    if not regimes and lo is None and hi is None:
        return None
    for year in range(2008, 2101):
        if regimes and REGIME_OF(year) not in regimes:
            continue
        if (lo is not None and year < lo) or (hi is not None and year > hi):
            continue
        return year
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packs", nargs="+", help="规则包文件")
    parser.add_argument("--year", type=int, help="报告年度（默认按规则的 when 条件自动选取）")
    parser.add_argument("--xxgk", default=os.environ.get("XXGK", "xxgk"), help="xxgk 程序的路径")
    args = parser.parse_args()

    packs = []
    for path in args.packs:
        with open(path, "rb") as f:
            try:
                packs.append((os.path.abspath(path), tomllib.load(f)))
            except tomllib.TOMLDecodeError as e:
                print(f"{path}: TOML 错误：{e}", file=sys.stderr)
                return 2

    failures = checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "xxgk.toml")
        sample = os.path.join(tmp, "example.txt")
        for _, data in packs:
            pack_id = data["pack"]["id"]
            for rule in data.get("rule", []):
                examples = rule.get("examples", {})
                if not examples:
                    continue
                rule_id = f"{pack_id}/{rule['id']}"
                year = year_for(rule.get("when", {}), args.year)
                with open(config, "w", encoding="utf-8") as f:
                    f.write("pack-paths = [%s]\n" % ", ".join(json.dumps(p) for p, _ in packs))
                    f.write("packs = %s\n" % json.dumps([d["pack"]["id"] for _, d in packs]))
                    if year is not None:
                        f.write(f"year = {year}\n")
                for expect, texts in (("bad", examples.get("bad", [])), ("good", examples.get("good", []))):
                    for text in texts:
                        with open(sample, "w", encoding="utf-8") as f:
                            f.write(text + "\n")
                        run = subprocess.run(
                            [args.xxgk, "check", "--config", config, "--format", "json", sample],
                            capture_output=True, text=True,
                        )
                        if run.returncode == 2:
                            print(run.stderr.strip(), file=sys.stderr)
                            return 2
                        found = [
                            d for d in json.loads(run.stdout)["files"][0]["diagnostics"]
                            if d["rule"] == rule_id
                        ]
                        ok = bool(found) if expect == "bad" else not found
                        checked += 1
                        if not ok:
                            failures += 1
                        label = "通过" if ok else "失败"
                        what = "应报告" if expect == "bad" else "不应报告"
                        year_note = f"（按 {year} 年度）" if year is not None else ""
                        print(f"{label}  {rule_id}  {what}{year_note}：{text}")
                        for d in found if not ok else []:
                            print(f"      实际报告：{d['message']}")
    print(f"共 {checked} 条示例，{failures} 条不符。")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
