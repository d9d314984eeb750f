"""Fill empty (or fuzzy) msgstr entries of a .po file from JSON dictionaries: i18n_fill.py PO JSON..."""
import re, sys, json
po_path = sys.argv[1]
tr = {}
for f in sys.argv[2:]:
    tr.update(json.load(open(f)))
src = open(po_path, encoding="utf-8").read()
blocks = src.split("\n\n")
missing = []
out = []
def unq(s):
    return json.loads(s)
for b in blocks:
    lines = b.split("\n")
    # collect msgid (possibly multi-line)
    try:
        i = next(k for k, l in enumerate(lines) if l.startswith("msgid "))
    except StopIteration:
        out.append(b); continue
    j = next(k for k, l in enumerate(lines) if l.startswith("msgstr"))
    # A plural entry (msgid_plural, msgstr[0]): zh has one form, filled from the singular msgid's key.
    plural = next((k for k, l in enumerate(lines) if l.startswith("msgid_plural")), None)
    msgid = "".join(unq(l[6:] if l.startswith("msgid ") else l) for l in lines[i:plural if plural is not None else j])
    msgstr = "".join(unq(l.split(" ", 1)[1] if l.startswith("msgstr") else l) for l in lines[j:] if l.startswith('"') or l.startswith("msgstr"))
    if not msgid:
        out.append(b); continue
    is_fuzzy = any(l.startswith("#,") and "fuzzy" in l for l in lines)
    if (not msgstr or is_fuzzy) and msgid in tr:
        lines = [l for l in lines[:j]] + [("msgstr[0] " if plural is not None else "msgstr ") + json.dumps(tr[msgid], ensure_ascii=False)]
        lines = [ (l.replace(", fuzzy","").replace("#, fuzzy","") if l.startswith("#,") else l) for l in lines]
        lines = [l for l in lines if l.strip() != "#"]
        b = "\n".join(lines)
    elif not msgstr:
        missing.append(msgid)
    out.append(b)
open(po_path, "w", encoding="utf-8").write("\n\n".join(out))
print(f"missing {len(missing)}")
for m in missing: print("  ", json.dumps(m, ensure_ascii=False))
