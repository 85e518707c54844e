from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from canhve.core.admin import SecuredAdmin
from canhve.core.locking import VersionedAdmin
from canhve.core.refusals import form_errors

from .forms import CredentialUploadForm
from .models import Document, DocumentType, SigningCredential, TrustRoot
from .services import upload_credential


@admin.register(DocumentType)
class DocumentTypeAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "requires_seal", "ordering")


@admin.register(Document)
class DocumentAdmin(SecuredAdmin):
    list_display = ("__str__", "owner_agency", "status", "secrecy", "created_at")
    list_filter = ("status", "secrecy", "doc_type")
    readonly_fields = (
        "status",
        "number",
        "year",
        "issued_on",
        "signer",
        "signed_at",
        "numbered_at",
        "issued_at",
    )
    exclude = ("content", "attachments")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Writes go through the pages and services (state rules, numbering); the admin only reads.
        return False


@admin.register(SigningCredential)
class SigningCredentialAdmin(VersionedAdmin, admin.ModelAdmin):
    """Chứng thư số: listed, (de)activated and uploaded here; the PKCS#12 itself is never shown."""

    list_display = ("common_name", "kind", "agency", "user", "not_after", "is_active", "is_demo")
    list_filter = ("kind", "is_active", "is_demo")
    fields = ("kind", "agency", "user", "common_name", "not_after", "is_active", "is_demo")
    readonly_fields = ("kind", "agency", "user", "common_name", "not_after", "is_demo")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # through the upload page, which checks the file

    def get_urls(self):  # type: ignore[no-untyped-def]
        upload = path(
            "upload/", self.admin_site.admin_view(self.upload_view), name="documents-credential-upload"
        )
        return [upload, *super().get_urls()]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        form = CredentialUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                cred = upload_credential(
                    acting_user=request.user,
                    agency=data["agency"],
                    kind=data["kind"],
                    user=data["user"],
                    pkcs12=data["pkcs12"].read(),
                    passphrase=data["passphrase"].encode(),
                )
            except PermissionDenied as exc:
                form.add_error("agency", str(exc))
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, f"Đã nạp chứng thư số: {cred.common_name}")
                return redirect("admin:documents_signingcredential_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Nạp chứng thư số (PKCS#12)",
        }
        # A refused file is a 400 naming the field, and (like any refusal) writes nothing (ADR 0106).
        status = 400 if request.method == "POST" else 200
        return render(request, "documents/admin_upload.html", context, status=status)


@admin.register(TrustRoot)
class TrustRootAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("name", "is_demo", "created_at")
