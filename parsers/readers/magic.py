"""File signatures: the first bytes that tell an input's kind whatever its label says."""

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: .doc and .wps
ZIP = b"PK\x03\x04"  # .docx (and any other ZIP)
RTF = b"{\\rtf"  # often served under a .doc name
PDF = b"%PDF-"  # may follow a little junk: looked for in the first KB
# Scans sent as pictures: PNG, JPEG, TIFF (both byte orders).
IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
