"""Bases of the owner's admin lists: an action the user may not run is refused (403; every
list with actions that need a permission uses it), and a list is titled by what it holds
("Orders"), not "Select order to change"."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.text import capfirst


class RefusedActions(admin.ModelAdmin):
    """An action the user may not run (not offered to them) is a 403, changing nothing; Django
    would answer the list again with "No action selected"."""

    def changelist_view(self, request, extra_context=None):
        name = request.POST.get("action") if request.method == "POST" else None
        if name and name not in self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)


class TitledListAdmin(RefusedActions):
    """A ModelAdmin base: the list page's heading is the model's plural name."""

    def changelist_view(self, request, extra_context=None):
        title = capfirst(self.model._meta.verbose_name_plural)
        return super().changelist_view(request, {"title": title, **(extra_context or {})})
