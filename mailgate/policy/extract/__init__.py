"""Attachment text for the policy: plain text, CSV, PDF, DOCX and XLSX, with locations.

Every rule scans attachments like the body, so each attachment becomes a
TextUnit whose `locate(offset)` names where a finding is ("row 3, column B",
"page 2", "Sheet1!B3"). What cannot be read in full is Unscannable and blocks:
encrypted PDF or ZIP, any other ZIP archive (nested archives cannot be checked
safely in depth), executables (by magic bytes or extension), legacy or
password-protected Office files, images and unknown binary types, corrupt files
and anything over the size, page or cell limits. An attachment is never let
through unread.
"""
