"""The member pages: plans and checkout, the account, and My plans."""

from django.urls import include, path

from members.views import account, catalogue, orders, pay

app_name = "members"

my_orders = [
    path("", orders.order_list, name="orders"),
    path("<uuid:order_id>/", orders.order_detail, name="order"),
    path("<uuid:order_id>/pay/", pay.pay, name="pay"),
    path("<uuid:order_id>/confirmation/", pay.confirmation, name="confirmation"),
    path("<uuid:order_id>/cancel", orders.order_cancel, name="cancel"),
    path("<uuid:order_id>/act", orders.order_act, name="act"),
    path("<uuid:order_id>/switch/", orders.order_switch, name="switch"),
]

urlpatterns = [
    path("", catalogue.plan_list, name="home"),
    path("plans/", catalogue.plan_list, name="plans"),
    path("plans/<uuid:plan_id>/checkout/", catalogue.checkout, name="checkout"),
    path("plans/<uuid:plan_id>/price", catalogue.price, name="price"),
    path("accounts/sign-up/", account.sign_up, name="sign_up"),
    path("account/", account.account, name="account"),
    path("account/orders/", include(my_orders)),
    path("account/invoices/<uuid:invoice_id>/", orders.invoice_detail, name="invoice"),
    path("account/invoices/<uuid:invoice_id>/pdf", orders.invoice_pdf, name="invoice_pdf"),
    path(
        "account/credit-notes/<uuid:credit_note_id>/",
        orders.credit_note_detail,
        name="credit_note",
    ),
    path(
        "account/credit-notes/<uuid:credit_note_id>/pdf",
        orders.credit_note_pdf,
        name="credit_note_pdf",
    ),
]
