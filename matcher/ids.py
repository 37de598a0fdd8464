"""Integer ids from URLs and forms: an id no row could have is simply not found."""
from matcher.extensions import db

# PostgreSQL's INTEGER; a larger id overflows the driver (a 500) instead of finding nothing.
MAX_ID = 2_147_483_647


def get_by_id(model, object_id):
    """Return the row with this id, or None, also for ids out of any row's range."""
    if isinstance(object_id, bool) or not isinstance(object_id, int) or not 0 < object_id <= MAX_ID:
        return None
    return db.session.get(model, object_id)
