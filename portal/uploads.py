"""The rules every file members share follows (best-practice attachments, workgroups' files): an
allowed office, PDF or text format, whose first bytes match its extension (a renamed executable is
refused), of at most 10 MB. One copy, used by every upload form."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ATTACHMENT_MAX_SIZE = 10 * 1024 * 1024
ZIP, PDF = b"PK\x03\x04", b"%PDF-"
# Extension → the first bytes such a file starts with (None: plain text).
ATTACHMENT_SIGNATURES = {
    "pdf": PDF,
    "docx": ZIP,
    "xlsx": ZIP,
    "pptx": ZIP,
    "odt": ZIP,
    "ods": ZIP,
    "csv": None,
    "txt": None,
}


def validate_attachment(upload) -> None:
    """A document others may open: an allowed office, PDF or text format, whose content matches
    its extension, of at most 10 MB."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_SIGNATURES:
        raise forms.ValidationError(
            _("This kind of file is not accepted. Accepted formats: %(formats)s."),
            code="attachment_type",
            params={"formats": ", ".join(ext.upper() for ext in ATTACHMENT_SIGNATURES)},
        )
    if upload.size > ATTACHMENT_MAX_SIZE:
        raise forms.ValidationError(
            _("The file is too large (%(size)s): at most %(max)s."),
            code="attachment_size",
            params={"size": filesizeformat(upload.size), "max": filesizeformat(ATTACHMENT_MAX_SIZE)},
        )
    if upload.size == 0:
        raise forms.ValidationError(_("The file is empty."), code="attachment_empty")
    upload.seek(0)
    head = upload.read(64 * 1024)
    upload.seek(0)
    signature = ATTACHMENT_SIGNATURES[extension]
    # Text (UTF-8 or a spreadsheet's Windows-1252 export) has no NUL byte, which binaries have.
    valid = b"\x00" not in head if signature is None else head.startswith(signature)
    if not valid:
        raise forms.ValidationError(
            _("The content of the file does not match its “.%(extension)s” extension."),
            code="attachment_content",
            params={"extension": extension},
        )


ATTACHMENT_HELP = _("PDF, office document (DOCX, XLSX, PPTX, ODT, ODS), CSV or text, at most 10 MB.")


def paragraphs_to_rich_text(value: str) -> str:
    """Plain text typed in a member form → the rich text stored (one <p> per paragraph, every
    character escaped: members never send HTML of their own)."""
    import html
    import re

    blocks = [block.strip() for block in re.split(r"\n\s*\n", value.replace("\r\n", "\n")) if block.strip()]
    return "".join("<p>" + html.escape(block).replace("\n", "<br/>") + "</p>" for block in blocks)
