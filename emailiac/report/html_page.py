"""The page around every HTML report: inline CSS and script (no network at all: the Content-Security-Policy
forbids fetching anything), summary cards, coverage bars and one filterable table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Bar", "Card", "Row", "page"]


@dataclass(frozen=True)
class Card:
    label: str
    value: int | str
    tone: str = ""  # css class: bad, warn, good, info


@dataclass(frozen=True)
class Bar:
    label: str
    done: int
    total: int
    note: str = ""


@dataclass(frozen=True)
class Row:
    """One table row: `group` (drift or finding) and `status`/`severity` feed the filters; cells are HTML."""

    group: str
    status: str
    severity: str
    cells: Sequence[str]
    weak: bool = False  # security-weakening drift: marked in the margin


_CSS = """
:root{--bg:#f6f7f9;--card:#fff;--ink:#1d2330;--mute:#5f6b7a;--line:#e3e6eb;--crit:#8b1a1a;--high:#c0392b;
--med:#d98a00;--low:#4f7cac;--ok:#2e8b57;--chg:#b35c00;--unm:#7b3fa0;--mis:#6b6b6b}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
background:var(--bg);color:var(--ink)}header{background:#1d2330;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:20px;font-weight:600}header p{margin:4px 0 0;color:#c5ccd6;font-size:13px}
main{padding:20px 28px;max-width:1500px}.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:118px}
.card b{display:block;font-size:26px;line-height:1.1}.card span{color:var(--mute);font-size:12px;
text-transform:uppercase;letter-spacing:.04em}.card.bad b{color:var(--high)}.card.warn b{color:var(--chg)}
.card.good b{color:var(--ok)}.card.info b{color:var(--unm)}section{background:var(--card);
border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin-bottom:18px}
h2{font-size:15px;margin:0 0 10px}.bars{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));
gap:8px 28px}.bar{display:grid;grid-template-columns:170px 1fr 70px;align-items:center;gap:8px;font-size:13px}
.track{background:#eceff3;border-radius:4px;height:10px;overflow:hidden}.fill{background:var(--ok);height:100%}
.fill.part{background:var(--med)}.fill.low{background:var(--high)}.num{text-align:right;color:var(--mute)}
.tools{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin-bottom:10px}
.tools input[type=search]{flex:1;min-width:220px;padding:7px 10px;border:1px solid var(--line);border-radius:6px;
font:inherit}.tools select{padding:6px 8px;border:1px solid var(--line);border-radius:6px;font:inherit;
background:#fff}.tools label{font-size:13px;color:var(--mute)}#shown{margin-left:auto;color:var(--mute);
font-size:13px}table{width:100%;border-collapse:collapse;table-layout:fixed}
th:nth-child(1){width:120px}th:nth-child(2){width:23%}th:nth-child(3){width:31%}th:nth-child(4){width:17%}th{text-align:left;font-size:12px;color:var(--mute);
text-transform:uppercase;letter-spacing:.04em;border-bottom:2px solid var(--line);padding:6px 8px}
td{border-bottom:1px solid var(--line);padding:8px;vertical-align:top;overflow-wrap:anywhere}tr.weak td:first-child{
box-shadow:inset 4px 0 0 var(--high)}code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;
background:#f0f2f5;border-radius:4px;padding:1px 4px;word-break:break-all}.muted{color:var(--mute);
font-size:12px}.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:11px;font-weight:600;
text-transform:uppercase;letter-spacing:.03em;color:#fff;white-space:nowrap}.b-critical{background:var(--crit)}
.b-high{background:var(--high)}.b-medium{background:var(--med)}.b-low{background:var(--low)}
.b-managed{background:var(--ok)}.b-changed{background:var(--chg)}.b-unmanaged{background:var(--unm)}
.b-missing{background:var(--mis)}.b-finding{background:#34495e}.b-weak{background:var(--high)}
.v{display:inline-block;margin:1px 3px 1px 0;padding:0 5px;border-radius:3px;font:11px ui-monospace,monospace}
.v-pass{background:#e3f4ea;color:#1e6b40}.v-fail{background:#fbe4e1;color:#9b2b1f}
.v-not_assessed{background:#eef0f3;color:#5f6b7a}.chg{margin:2px 0}.chg del{color:#9b2b1f;text-decoration:none}
.chg ins{color:#1e6b40;text-decoration:none}
mark{background:#fff1b8;border-radius:2px;padding:0 1px}.fix code{white-space:nowrap}
.chg>div{font:12px/1.5 ui-monospace,monospace}.fix{background:#f3f8f4;border-left:3px solid var(--ok);
padding:4px 8px;margin:2px 0;font-size:13px}pre{margin:4px 0 0;font:12px/1.4 ui-monospace,monospace;
white-space:pre-wrap;background:#f6f8fa;border-radius:4px;padding:6px}footer{color:var(--mute);font-size:12px;
padding:0 28px 24px}.empty{color:var(--mute);padding:18px;text-align:center}
"""

# Nothing may be fetched: styles and the script are inline, everything else is refused.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

_JS = """
(function(){
  var q=document.getElementById('q'),g=document.getElementById('group'),s=document.getElementById('sev'),
      shown=document.getElementById('shown'),empty=document.getElementById('none'),
      rows=[].slice.call(document.querySelectorAll('#items tbody tr[data-group]'));
  function apply(){
    var text=q.value.trim().toLowerCase(),group=g?g.value:'all',sev=s.value,n=0;
    rows.forEach(function(r){
      var ok=(!text||r.textContent.toLowerCase().indexOf(text)>=0)
        &&(group==='all'||r.dataset.group===group||r.dataset.status===group||(group==='weak'&&r.classList.contains('weak')))
        &&(sev==='all'||r.dataset.severity===sev);
      r.hidden=!ok; if(ok){n++;}
    });
    shown.textContent=n+' of '+rows.length+' shown';
    if(empty){empty.hidden=n>0;}
  }
  [q,g,s].forEach(function(el){if(el){el.addEventListener('input',apply);el.addEventListener('change',apply);}});
  apply();
})();
"""


def _cards(cards: Sequence[Card]) -> str:
    return "".join(
        f'<div class="card {escape(c.tone)}"><b>{escape(str(c.value))}</b><span>{escape(c.label)}</span></div>'
        for c in cards
    )


def _bars(bars: Sequence[Bar]) -> str:
    out = []
    for bar in bars:
        share = bar.done / bar.total if bar.total else 0.0
        tone = "" if share >= 0.999 else ("part" if share >= 0.5 else "low")
        out.append(
            f'<div class="bar" title="{escape(bar.note)}"><span>{escape(bar.label)}</span>'
            f'<div class="track"><div class="fill {tone}" style="width:{share * 100:.1f}%"></div></div>'
            f'<span class="num">{bar.done}/{bar.total}</span></div>'
        )
    return "".join(out)


def page(
    *,
    title: str,
    subtitle: str,
    cards: Sequence[Card],
    bars: Sequence[Bar],
    bars_title: str,
    groups: Sequence[tuple[str, str]],
    headers: Sequence[str],
    rows: Sequence[Row],
    footer: str,
) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        f'<tr data-group="{escape(r.group)}" data-status="{escape(r.status)}" data-severity="{escape(r.severity)}"'
        + (' class="weak">' if r.weak else ">")
        + "".join(f"<td>{c}</td>" for c in r.cells)
        + "</tr>"
        for r in rows
    )
    options = "".join(f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in groups)
    # One kind of row (a lint report): nothing to choose between.
    show = f'<label>Show <select id="group" aria-label="Show">{options}</select></label>' if len(groups) > 1 else ""
    severities = "".join(f'<option value="{s}">{s}</option>' for s in ("critical", "high", "medium", "low"))
    coverage = f'<section><h2>{escape(bars_title)}</h2><div class="bars">{_bars(bars)}</div></section>' if bars else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{_CSS}</style></head>
<body><header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header><main>
<div class="cards">{_cards(cards)}</div>{coverage}
<section><div class="tools">
<input id="q" type="search" placeholder="Filter: rule, resource, text..." aria-label="Filter">
{show}
<label>Severity <select id="sev" aria-label="Severity"><option value="all">any</option>{severities}</select></label>
<span id="shown"></span></div>
<table id="items"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
<p id="none" class="empty" hidden>Nothing matches the filter.</p></section></main>
<footer>{escape(footer)}</footer><script>{_JS}</script></body></html>
"""
