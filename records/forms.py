"""Forms of the records app."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from records import registry


class RegistryUploadForm(forms.Form):
    """The department's registry file; its size is checked before a byte of it is parsed."""

    file = forms.FileField(
        label=_("Registry file"),
        help_text=_(
            "The department's LAO registry as Excel (.xlsx) or CSV (UTF-8 or TIS-620), "
            "with its header row. Nothing is changed until you confirm the preview."
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB, the most the portal accepts."),
                params={"size": limit // (1024 * 1024) or 1},
                code="too_large",
            )
        return upload

    def read(self) -> bytes:
        """The uploaded bytes (call after is_valid); RegistryFileError if it grew meanwhile."""
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return registry.read_limited(upload)


class RegistryConfirmForm(forms.Form):
    """The token of a previewed upload that the user confirms."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
