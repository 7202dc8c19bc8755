"""``{% load receipts %}``: the receipt of a payment on the admin order page or a member page."""

from __future__ import annotations

from django import template

from receipts.selectors import payment_receipt_summary

register = template.Library()


@register.inclusion_tag("receipts/payment_receipt.html")
def payment_receipt(payment):
    return {"summary": payment_receipt_summary(payment)}


@register.inclusion_tag("receipts/member_receipt.html")
def member_receipt(payment):
    return {"summary": payment_receipt_summary(payment)}
