"""Admin registration, used only when GONGHUI_ADMIN=1 (the benchmark's reference changelist)."""

from django.contrib import admin

from .models import Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "sex", "org", "id_masked", "mobile", "employment", "status"]
    list_filter = ["status", "employment"]
    search_fields = ["name", "name_pinyin", "name_initials", "card_number"]
    list_select_related = ["org"]
    ordering = ["name_pinyin", "id"]
