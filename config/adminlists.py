"""The owner's lists are titled by what they hold ("Orders"), not "Select order to change"."""

from __future__ import annotations

from django.contrib import admin
from django.utils.text import capfirst


class TitledListAdmin(admin.ModelAdmin):
    """A ModelAdmin base: the list page's heading is the model's plural name."""

    def changelist_view(self, request, extra_context=None):
        title = capfirst(self.model._meta.verbose_name_plural)
        return super().changelist_view(request, {"title": title, **(extra_context or {})})
