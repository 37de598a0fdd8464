"""What scheduled care records: notices sent once, and feedback at the end."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.columns import UTCDateTime, utcnow
from matcher.crypto import EncryptedText
from matcher.extensions import Model


class SentNotice(Model):
    """A notice that must go once: its key is unique, so two jobs at once cannot both send it."""

    __tablename__ = "sent_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Feedback(Model):
    """Short feedback at the end of a pairing; no names, kept for reporting."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    party: Mapped[str] = mapped_column(String(16))
    helpfulness: Mapped[int] = mapped_column(Integer)          # 1 (not at all) .. 5 (very)
    would_recommend: Mapped[str] = mapped_column(String(8))    # yes / no / unsure
    comment: Mapped[str | None] = mapped_column(EncryptedText)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
