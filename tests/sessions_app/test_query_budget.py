"""Query budgets of the session services (the API adds one query: the caller's token)."""

from __future__ import annotations

import pytest

from accounts.actors import Actor
from orders.errors import ArchivedPlan
from sessions_app.data import SessionData
from sessions_app.services.sessions import order_session_create, order_session_get
from sessions_app.services.submit import order_session_submit


def test_get_reads_key_state_and_submission_in_one_query(
    session_app, plan, member, clock, django_assert_max_num_queries
):
    app, _ = session_app
    data = SessionData(plan_id=plan.pk, member_id=member.member_id)
    token = order_session_create(app=app, data=data, actor=Actor.app(app)).token
    with django_assert_max_num_queries(1):
        session = order_session_get(app=app, token=token)
    assert session.order_id is None


def test_create_reads_plan_and_member_only(
    session_app, plan, member, clock, django_assert_max_num_queries
):
    # given an app whose first session made its key version 1, read afresh as a request would
    app, _ = session_app
    data = SessionData(plan_id=plan.pk, member_id=member.member_id)
    order_session_create(app=app, data=data, actor=Actor.app(app))
    app = type(app).objects.get(pk=app.pk)
    # then the key version comes with the app's row: no query of its own
    with django_assert_max_num_queries(2):
        order_session_create(app=app, data=data, actor=Actor.app(app))


def test_submit_reads_plan_and_member_afresh(session_app, plan, member, clock):
    # given a session created a moment ago
    app, _ = session_app
    data = SessionData(plan_id=plan.pk, member_id=member.member_id)
    token = order_session_create(app=app, data=data, actor=Actor.app(app)).token
    # when the plan is archived behind Tally's back (a bulk update: no signal)
    type(plan).objects.filter(pk=plan.pk).update(archived=True)
    # then submit sees it and refuses
    with pytest.raises(ArchivedPlan):
        order_session_submit(app=app, token=token, actor=Actor.app(app))


def test_hostile_token_costs_no_query(session_app, clock, django_assert_max_num_queries):
    from sessions_app.errors import InvalidOrderSessionId

    app, _ = session_app
    with django_assert_max_num_queries(0), pytest.raises(InvalidOrderSessionId):
        order_session_get(app=app, token='{"protected":"eyJhbGciOiJub25lIn0"}')
