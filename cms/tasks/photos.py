"""Phone photos of progress reports, resized on the server exactly as the photos of meeting minutes are."""

from cms.meetings.photos import resize

__all__ = ["resize"]
