"""Read-only queries behind the coordinators' feedback page."""
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from matcher.care.models import Feedback
from matcher.extensions import db
from matcher.pairing.models import Pairing

NAME_STANDIN = "[name]"


@dataclass(frozen=True)
class FeedbackComment:
    """One piece of feedback as coordinators read it: scores, and the comment with the pair's names taken out."""

    pairing_id: int
    party: str
    helpfulness: int
    would_recommend: str
    comment: str | None
    submitted_at: datetime


def without_names(text: str, names: list[str]) -> str:
    """Replace each of these names, as whole words in any case, with a stand-in."""
    words = sorted({n.strip() for name in names if name for n in [name, *name.split()] if len(n.strip()) > 1},
                   key=len, reverse=True)
    if not words:
        return text
    # One alternation of escaped literals: linear in the text, whatever a comment holds.
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    return pattern.sub(NAME_STANDIN, text)


def _names(pairing: Pairing) -> list[str]:
    return [n for n in (pairing.request.pseudonym, pairing.request.name, pairing.volunteer.pseudonym,
                        pairing.volunteer.name) if n]


def feedback_comments(limit: int = 200) -> list[FeedbackComment]:
    """Return the latest feedback, newest first, each comment without the names of the pair."""
    rows = db.session.execute(select(Feedback, Pairing).join(Pairing, Pairing.id == Feedback.pairing_id)
                              .order_by(Feedback.submitted_at.desc(), Feedback.id.desc()).limit(limit)).all()
    return [FeedbackComment(f.pairing_id, f.party, f.helpfulness, f.would_recommend,
                            without_names(f.comment, _names(p)) if f.comment else None, f.submitted_at)
            for f, p in rows]


def pairing_feedback(pairing_id: int) -> list[Feedback]:
    """Return the feedback both sides gave on one pairing."""
    return list(db.session.scalars(select(Feedback).where(Feedback.pairing_id == pairing_id).order_by(Feedback.id)))
