#!/usr/bin/env python3
"""Writes the app's model guide page (model.html) from docs/model.md.

Run by Trunk as a pre-build hook with the staging directory in TRUNK_STAGING_DIR (or with
an output path as the first argument). It understands the small Markdown subset the guide
uses: headings with an explicit anchor (`## Title {#id}`), paragraphs, `- ` lists,
pipe tables (a header row, a `|---|` row, then rows), **bold**, `code` and
[links](#anchor). Anything else is a paragraph of text, escaped.
"""
import html
import os
import re
import sys

SRC = os.path.join(os.path.dirname(__file__), "..", "docs", "model.md")


def inline(text: str) -> str:
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"\[([^\]]+)\]\((#[a-z0-9-]+|https://[^)\s]+)\)", r'<a href="\2">\1</a>', out)
    return out


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def convert(md: str) -> tuple[str, str]:
    body, toc, para, items, rows = [], [], [], [], []
    title = "Model guide"

    def flush():
        if para:
            body.append(f"<p>{inline(' '.join(para))}</p>")
            para.clear()
        if items:
            body.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>")
            items.clear()
        if rows:
            head = "".join(f'<th scope="col">{inline(c)}</th>' for c in rows[0])
            trs = "".join(
                "<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>" for r in rows[1:]
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>")
            rows.clear()

    for line in md.splitlines():
        if line.startswith("|"):
            if para or items:
                flush()
            if not re.match(r"^\|[-| :]+\|\s*$", line):
                rows.append(cells(line))
            continue
        if rows:
            flush()
        m = re.match(r"^(#{1,3}) (.*?)(?: \{#([a-z0-9-]+)\})?\s*$", line)
        if m:
            flush()
            level, text, anchor = len(m.group(1)), m.group(2), m.group(3) or ""
            if level == 1:
                title = text
            elif level == 2:
                toc.append(f'<li><a href="#{anchor}">{inline(text)}</a></li>')
            body.append(f'<h{level} id="{anchor}">{inline(text)}</h{level}>')
        elif line.startswith("- "):
            if para:
                flush()
            items.append(line[2:].strip())
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
        elif not line.strip():
            flush()
        else:
            if items:
                flush()
            para.append(line.strip())
    flush()
    nav = '<nav aria-label="Contents"><ul>' + "".join(toc) + "</ul></nav>"
    return title, body[0] + nav + "".join(body[1:])


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{title}: vnet-playground</title>
<style>
:root {{ --ink: #1b2430; --muted: #5b6778; --bg: #ffffff; --soft: #eef1f5; --accent: #0b5cd5; }}
@media (prefers-color-scheme: dark) {{ :root {{ --ink: #e6edf3; --muted: #9aa7b4; --bg: #161c24; --soft: #1d2530; --accent: #58a6ff; }} }}
body {{ margin: 0 auto; max-width: 46rem; padding: 1.5rem 1.2rem 4rem; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }}
h1 {{ font-size: 1.7rem; margin: .2rem 0 1rem; }} h2 {{ margin-top: 2.2rem; font-size: 1.3rem; }} h3 {{ margin-top: 1.6rem; font-size: 1.05rem; }}
code {{ font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em; background: var(--soft); padding: .05rem .3rem; border-radius: 4px; }}
a {{ color: var(--accent); }} nav ul {{ columns: 2; padding-left: 1.2rem; }} :target {{ scroll-margin-top: 1rem; background: var(--soft); }}
.back {{ font-size: .9rem; }}
table {{ border-collapse: collapse; font-size: .88rem; margin: 1rem 0; display: block; overflow-x: auto; }}
th, td {{ border: 1px solid var(--soft); padding: .3rem .45rem; text-align: left; vertical-align: top; }} th {{ background: var(--soft); }}
</style>
</head>
<body>
<p class="back"><a href="./">← back to vnet-playground</a></p>
<main>
{body}
</main>
</body>
</html>
"""


def main() -> None:
    with open(SRC, encoding="utf-8") as f:
        title, body = convert(f.read())
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ["TRUNK_STAGING_DIR"], "model.html")
    with open(out, "w", encoding="utf-8") as f:
        f.write(PAGE.format(title=html.escape(title), body=body))


if __name__ == "__main__":
    main()
