"""Pure rules of official documents (văn bản): the lifecycle and the number/symbol. No ORM here.

Lifecycle (Decree 30/2020/NĐ-CP, Art. 15–16): a draft (dự thảo) is approved by the signer (signed),
the clerk (văn thư) gives it the next number of the year (numbered), then it is issued (ban hành) with
its digital signatures, and finally archived (lưu trữ). A number, once given, is never taken back — that
is what keeps the register gap-free — so a numbered document can only go forward. An issued document
never changes: a correction is a new document that references it.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    NUMBERED = "numbered"
    ISSUED = "issued"
    ARCHIVED = "archived"


# Allowed moves. signed → draft lets the signer send a draft back before a number is spent.
TRANSITIONS: dict[State, frozenset[State]] = {
    State.DRAFT: frozenset({State.SIGNED}),
    State.SIGNED: frozenset({State.NUMBERED, State.DRAFT}),
    State.NUMBERED: frozenset({State.ISSUED}),
    State.ISSUED: frozenset({State.ARCHIVED}),
    State.ARCHIVED: frozenset(),
}

# Role (accounts.Role values) the acting user needs in the issuing agency for each target state:
# the signer approves (commander), the clerk numbers, issues and files (planner rights suffice here).
COMMANDER, PLANNER = 40, 30
REQUIRED_ROLE: dict[State, int] = {
    State.SIGNED: COMMANDER,
    State.DRAFT: COMMANDER,
    State.NUMBERED: PLANNER,
    State.ISSUED: PLANNER,
    State.ARCHIVED: PLANNER,
}

# Content may change only while the document is a draft; from issued on, nothing but the move to archived.
EDITABLE_STATES = frozenset({State.DRAFT})
FROZEN_STATES = frozenset({State.ISSUED, State.ARCHIVED})


class TransitionError(ValueError):
    pass


def can_move(current: str, target: str) -> bool:
    return State(target) in TRANSITIONS[State(current)]


def check_move(current: str, target: str) -> None:
    if not can_move(current, target):
        raise TransitionError(f"Không thể chuyển văn bản từ trạng thái {current} sang {target}.")


def is_editable(state: str) -> bool:
    return State(state) in EDITABLE_STATES


def is_frozen(state: str) -> bool:
    return State(state) in FROZEN_STATES


def symbol(type_code: str, agency_code: str) -> str:
    """Ký hiệu: "KH-K01" (type abbreviation, then the issuing agency's abbreviation)."""
    return f"{type_code}-{agency_code}"


def number_symbol(number: int | None, type_code: str, agency_code: str) -> str:
    """ "Số: 05/KH-K01"; below 10 with a leading zero (Decree 30 App. I); "Số: …/KH-K01" while unnumbered."""
    shown = "…" if number is None else f"{number:02d}"
    return f"Số: {shown}/{symbol(type_code, agency_code)}"


def parse_markup(text: str) -> list[dict]:
    """The body editor's plain-text markup → content blocks.

    `# ` heading (level 1), `## ` level 2, `### ` level 3, `- ` bullet, `| a | b |` table rows (the first
    row is the header), `[[image:KEY]]` an image kept in the document's attachments, other lines paragraphs.
    """
    blocks: list[dict] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            level = min(len(line) - len(line.lstrip("#")), 3)
            blocks.append({"type": "heading", "level": level, "text": line.lstrip("#").strip()})
        elif line.startswith("- "):
            if blocks and blocks[-1]["type"] == "bullets":
                blocks[-1]["items"].append(line[2:].strip())
            else:
                blocks.append({"type": "bullets", "items": [line[2:].strip()]})
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if blocks and blocks[-1]["type"] == "table" and len(blocks[-1]["header"]) == len(cells):
                blocks[-1]["rows"].append(cells)
            else:
                blocks.append({"type": "table", "header": cells, "rows": []})
        elif line.startswith("[[image:") and line.endswith("]]"):
            blocks.append({"type": "image", "key": line[8:-2].strip()})
        else:
            blocks.append({"type": "paragraph", "text": line})
    return blocks


def to_markup(blocks: list[dict]) -> str:
    """Content blocks → the editor's markup (the inverse of `parse_markup`)."""
    lines: list[str] = []
    for b in blocks:
        kind = b.get("type")
        if kind == "heading":
            lines.append("#" * int(b.get("level", 1)) + " " + b["text"])
        elif kind == "bullets":
            lines.extend(f"- {item}" for item in b["items"])
        elif kind == "table":
            lines.append("| " + " | ".join(b["header"]) + " |")
            lines.extend("| " + " | ".join(row) + " |" for row in b["rows"])
        elif kind == "image":
            lines.append(f"[[image:{b['key']}]]")
        else:
            lines.append(b.get("text", ""))
    return "\n".join(lines)
