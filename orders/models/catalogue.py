"""What the site sells: plans, coupons and the site's tax setting."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper

from config.money import exponent, quantize, validate_currency

MAX_MONEY = Decimal("999999999.99")


class PeriodUnit(models.TextChoices):
    DAY = "DAY", "day"
    WEEK = "WEEK", "week"
    MONTH = "MONTH", "month"
    YEAR = "YEAR", "year"


class PricingModel(models.TextChoices):
    SUBSCRIPTION = "SUBSCRIPTION", "subscription (recurring payments)"
    SINGLE_PAYMENT_FOR_DURATION = "SINGLE_PAYMENT_FOR_DURATION", "single payment for a duration"
    SINGLE_PAYMENT_UNLIMITED = "SINGLE_PAYMENT_UNLIMITED", "single payment, unlimited"


class Plan(models.Model):
    """A pricing plan. Orders copy its name, description, price and recurrence at purchase."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=13,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_MONEY)],
        help_text="Price per cycle (subscriptions) or the single payment. 0 makes a free plan.",
    )
    currency = models.CharField(
        max_length=3, default="EUR", validators=[validate_currency], help_text="ISO 4217 code."
    )
    pricing_model = models.CharField(
        max_length=32, choices=PricingModel.choices, default=PricingModel.SUBSCRIPTION
    )
    duration_count = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text="Length of one cycle (subscription) or of the plan (single payment), in units.",
    )
    duration_unit = models.CharField(
        max_length=8, choices=PeriodUnit.choices, blank=True, default=PeriodUnit.MONTH
    )
    cycle_count = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(2000)],
        help_text="Subscriptions: number of cycles; 0 renews until canceled.",
    )
    free_trial_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text="Subscriptions only: 1 to 999 days before the first payment.",
    )
    purchase_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How many orders of this plan one buyer may hold. Empty: no limit.",
    )
    is_public = models.BooleanField(default=True, help_text="Hidden plans are sold by link only.")
    archived = models.BooleanField(default=False, help_text="Archived plans cannot be bought.")
    primary = models.BooleanField(
        default=False, help_text="The plan the site highlights (at most one)."
    )
    perks = models.JSONField(
        default=list, blank=True, help_text="What the plan includes, one short text each."
    )
    slug = models.SlugField(
        max_length=120, unique=True, null=True, blank=True, help_text="Made from the name."
    )
    terms_and_conditions = models.TextField(
        blank=True, validators=[MaxLengthValidator(3000)], help_text="Shown at checkout."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["primary"], condition=models.Q(primary=True), name="one_primary_plan"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_recurring(self) -> bool:
        return self.pricing_model == PricingModel.SUBSCRIPTION

    @property
    def is_unlimited(self) -> bool:
        """No end date: single payment unlimited, or a subscription that renews until canceled."""
        return self.pricing_model == PricingModel.SINGLE_PAYMENT_UNLIMITED or (
            self.is_recurring and self.cycle_count == 0
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.currency and self.price is not None:
            try:
                validate_currency(self.currency)
            except ValidationError:
                pass  # the field validator reports it
            else:
                if quantize(self.price, self.currency) != self.price:
                    errors["price"] = (
                        f"{self.currency} has {exponent(self.currency)} decimal places."
                    )
        if not isinstance(self.perks, list) or not all(
            isinstance(perk, str) and 0 < len(perk) <= 1400 for perk in self.perks
        ):
            errors["perks"] = "Perks are a list of texts of 1 to 1400 characters."
        elif len(self.perks) > 500:
            errors["perks"] = "A plan has at most 500 perks."
        if self.pricing_model == PricingModel.SINGLE_PAYMENT_UNLIMITED:
            self.duration_unit = ""
            self.cycle_count = 0
        elif not self.duration_unit:
            errors["duration_unit"] = "Choose the unit of the cycle or duration."
        if not self.is_recurring:
            if self.free_trial_days:
                errors["free_trial_days"] = "Free trials are for subscriptions only."
            self.cycle_count = 0
        if errors:
            raise ValidationError(errors)


class DiscountType(models.TextChoices):
    PERCENT = "PERCENT", "percent off"
    FIXED_AMOUNT = "FIXED_AMOUNT", "fixed amount off"


class Coupon(models.Model):
    """A discount code. Codes are matched without regard to case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=20, help_text="1 to 20 characters, unique (any case).")
    discount_type = models.CharField(
        max_length=16, choices=DiscountType.choices, default=DiscountType.PERCENT
    )
    value = models.DecimalField(
        max_digits=13,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(MAX_MONEY)],
        help_text="Percent (1 to 100) or amount off, per the discount type.",
    )
    plans = models.ManyToManyField(
        Plan, blank=True, related_name="coupons", help_text="Empty: applies to every plan."
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Total uses allowed."
    )
    per_buyer_limit = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Uses per buyer."
    )
    enabled = models.BooleanField(default=True)
    times_used = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                Upper("code"),
                name="coupon_code_unique_any_case",
                violation_error_message="A coupon with this code already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        self.code = (self.code or "").strip()
        errors: dict[str, str] = {}
        if not self.code:
            errors["code"] = "Enter a code of 1 to 20 characters."
        if (
            self.discount_type == DiscountType.PERCENT
            and self.value is not None
            and self.value > 100
        ):
            errors["value"] = "A percentage cannot be more than 100."
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors["valid_until"] = "The end of validity must be after its start."
        if errors:
            raise ValidationError(errors)


class TaxSetting(models.Model):
    """The site's one tax setting (row pk=1). A rate of 0 means no tax."""

    name = models.CharField(max_length=40, default="VAT")
    rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Percent, 0 to 100.",
    )
    included_in_price = models.BooleanField(
        default=True, help_text="Prices already include the tax (otherwise it is added on top)."
    )

    class Meta:
        verbose_name = "tax setting"

    def __str__(self) -> str:
        mode = "included" if self.included_in_price else "added"
        return f"{self.name} {self.rate}% ({mode})"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> TaxSetting:
        """The setting in force; an unsaved zero-rate one when the owner has set none."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
