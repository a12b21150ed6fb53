"""Giấy chứng nhận for the winners of a closed round: an A4 landscape page each, WeasyPrint (Pango shapes the
Vietnamese with Debian's DejaVu fonts), like the activation sheet."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from cms.org.models import Member

from .models import Round
from .selectors import ranking


def winners(round_: Round) -> list[dict]:
    """The first `round_.winners` ranks (ties included), with name and unit."""
    table = [r for r in ranking(round_) if r["rank"] <= round_.winners]
    members = {m.pk: m for m in Member.objects.filter(pk__in=[r["member"] for r in table]).select_related("unit")}
    return [{**r, "name": members[r["member"]].full_name, "unit": members[r["member"]].unit.title}
            for r in table if r["member"] in members]


def render_pdf(round_: Round) -> bytes:
    from weasyprint import HTML

    html = render_to_string("learning/certificates.html", {
        "round": round_, "winners": winners(round_), "today": timezone.localdate(),
    })
    return HTML(string=html).write_pdf()
