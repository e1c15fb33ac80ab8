"""Photos in forum posts: taken by the documents' rules (size, type by content, re-encoded;
services/platform/uploads.py) with a thumbnail each; served only to who sees their topic."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models.forum import ForumPhoto
from services.forum import visibility
from services.platform import uploads
from services.platform.errors import RefusedChange

PHOTOS_PER_POST = 6


class PhotoError(RefusedChange):
    pass


def attach(user, topic, post, files):
    files = [item for item in files or () if item is not None and item.filename]
    if len(files) > PHOTOS_PER_POST:
        message = _l("At most %(n)s photos per message.", n=PHOTOS_PER_POST)
        raise PhotoError(message, status=422, errors={"photos": message})
    added = []
    for item in files:
        try:
            stored = uploads.store(item, user, allowed=uploads.IMAGE_TYPES)
        except uploads.UploadError as error:
            raise PhotoError(error.message, status=422, errors={"photos": error.message}) from None
        thumb = uploads.thumbnail(stored, user)
        added.append(ForumPhoto(topic_id=topic.id, post_id=post.id, file_id=stored.id, thumb_file_id=thumb.id))
    db.session.add_all(added)
    db.session.flush()
    return added


def of_posts(post_ids):
    """{post id: [photos]}."""
    if not post_ids:
        return {}
    found = {}
    query = select(ForumPhoto).where(ForumPhoto.post_id.in_(sorted(post_ids))).order_by(ForumPhoto.id)
    for photo in db.session.scalars(query):
        found.setdefault(photo.post_id, []).append(photo)
    return found


def visible_photo(user, photo_id):
    photo = db.session.get(ForumPhoto, photo_id) if photo_id else None
    if photo is None or visibility.visible_topic(user, photo.topic_id) is None:
        return None
    return photo
