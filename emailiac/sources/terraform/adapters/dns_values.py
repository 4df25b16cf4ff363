"""Record data as DNS providers read it from Terraform strings: TXT character-strings, MX and host names.

A TXT record is a list of character-strings (RFC 1035 3.3.14) that receivers join without separators. Each
provider turns a Terraform string into those strings its own way:

- Route 53: the provider wraps the value in quotes, so `""` (or `" "`) inside it ends one string and starts
  the next; Route 53 writes special characters as octal `\\DDD` escapes.
- Cloud DNS: each rrdata is zone-file text: quoted strings, and unquoted words split at spaces.
- Azure DNS: the provider cuts a `value` into 254-character strings itself.
- Cloudflare: unquoted content is one string that Cloudflare cuts at 255 bytes; quoted content is zone-file
  text whose overlong strings Cloudflare cuts the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from emailiac.mailauth import split_txt_value
from emailiac.model import Unknown

__all__ = [
    "AZURE_SEGMENT",
    "TxtParser",
    "azure_strings",
    "character_strings",
    "cloudflare_strings",
    "google_strings",
    "host",
    "mx",
    "mx_rdata",
    "route53_strings",
    "txt_value",
]

TxtParser = Callable[[str], tuple[str, ...]]

# azurerm cuts TXT values into segments of this many characters (expandAzureRmDnsTxtRecords).
AZURE_SEGMENT = 254


def _escape(text: str, i: int, octal: bool) -> tuple[str, int]:
    """The character a backslash escape at text[i] (just after the backslash) stands for, and the next index."""
    digits = text[i : i + 3]
    if len(digits) == 3 and digits.isdigit():
        try:
            return chr(int(digits, 8 if octal else 10)), i + 3
        except ValueError:
            pass
    return text[i], i + 1


def character_strings(rdata: str, *, octal: bool = False) -> tuple[str, ...]:
    """Zone-file TXT data as character-strings: quoted strings, or unquoted words split at blanks."""
    out: list[str] = []
    i, n = 0, len(rdata)
    while i < n:
        char = rdata[i]
        if char in " \t\n":
            i += 1
            continue
        buf: list[str] = []
        quoted = char == '"'
        i += 1 if quoted else 0
        while i < n:
            char = rdata[i]
            if quoted and char == '"':
                i += 1
                break
            if not quoted and char in ' \t\n"':
                break
            if char == "\\" and i + 1 < n:
                decoded, i = _escape(rdata, i + 1, octal)
                buf.append(decoded)
                continue
            buf.append(char)
            i += 1
        out.append("".join(buf))
    return tuple(out)


def route53_strings(value: str) -> tuple[str, ...]:
    if '"' not in value and "\\" not in value:  # the common value: one string, nothing to decode
        return (value,)
    return character_strings(f'"{value}"', octal=True)


def google_strings(rrdata: str) -> tuple[str, ...]:
    return character_strings(rrdata)


def azure_strings(value: str) -> tuple[str, ...]:
    if not value:
        return ("",)
    return tuple(value[i : i + AZURE_SEGMENT] for i in range(0, len(value), AZURE_SEGMENT))


def cloudflare_strings(content: str) -> tuple[str, ...]:
    strings = character_strings(content) if content.startswith('"') else (content,)
    return tuple(part for string in strings for part in split_txt_value(string))


def txt_value(item: str | Unknown, parse: TxtParser) -> tuple[str | Unknown, tuple[str, ...]]:
    """(joined text, character-strings) of one TXT value; an unresolved value keeps its pattern, joined alike."""
    if isinstance(item, Unknown):
        pattern = "".join(parse(item.pattern)) if item.pattern is not None else None
        return Unknown(item.reason, item.refs, pattern), ()
    strings = parse(item)
    return "".join(strings), strings


def host(text: str) -> str:
    """A host name as facts hold it: lowercase, no trailing dot ("." stays: the null MX target)."""
    name = text.strip().lower()
    return name if name == "." else name.rstrip(".")


def mx(preference: object, exchange: str) -> str:
    """`<preference> <host>`, the one spelling MX values have in facts."""
    return f"{preference} {host(exchange)}"


def mx_rdata(text: str) -> str:
    """`10 mx.example.com.` -> `10 mx.example.com`."""
    parts = text.split()
    if len(parts) == 2:
        return mx(parts[0], parts[1])
    return text.strip()
