"""The members list, with each member's orders: counted, and one click away.

``accounts`` must not know about orders, so ``orders`` extends the members admin here: the
same admin with two more columns, counted by correlated subqueries over the
(buyer, created) index, one per member on the page (never a count over every order).
"""

from __future__ import annotations

import uuid

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin import MemberAdmin
from accounts.models import User
from orders.admin.display import day
from orders.models import Order, OrderStatus

RUNNING = [OrderStatus.PENDING, OrderStatus.ACTIVE, OrderStatus.PAUSED]


def _count(**filters) -> Coalesce:
    rows = (
        Order.objects.filter(buyer=OuterRef("pk"), **filters)
        .order_by()
        .values("buyer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class MemberWithOrdersAdmin(MemberAdmin):
    # Narrow enough for a 1366 px screen; the member id is on the member's page (and searchable).
    list_display = ("username", "email", "orders_link", "is_staff", "is_active", "joined")
    search_help_text = "Search by part of an email or username, or a whole member id."

    def get_search_results(self, request, queryset, search_term):
        """A member id is looked up exactly; anything else is part of an email or username,
        which the trigram indexes (migration 0005) answer on PostgreSQL without a scan."""
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.filter(member_id=uuid.UUID(term)), False
        except ValueError:
            return queryset.filter(Q(email__icontains=term) | Q(username__icontains=term)), False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(order_count=_count(), running_count=_count(status__in=RUNNING))
        )

    @admin.display(description="joined", ordering="date_joined")
    def joined(self, member: User) -> str:
        return day(member.date_joined)

    @admin.display(description="orders")
    def orders_link(self, member: User) -> str:
        if not member.order_count:
            return "none"
        url = reverse("admin:orders_order_changelist")
        running = f", {member.running_count} running" if member.running_count else ""
        return format_html(
            '<a href="{}?q={}">{} order{}{}</a>',
            url,
            member.member_id,
            member.order_count,
            "" if member.order_count == 1 else "s",
            running,
        )


admin.site.unregister(User)
admin.site.register(User, MemberWithOrdersAdmin)
