#!/usr/bin/env python3
"""Read a sheet of an .xlsx workbook back, for the tests.

    xlsx2csv.py FILE SHEET          the sheet as CSV, written the way
                                    cptunits writes CSV: cells with a date
                                    format as YYYY-MM-DD, whole numbers
                                    without a decimal point, RFC 4180 quotes
    xlsx2csv.py --meta FILE SHEET   the frozen pane, the autofilter, and
                                    which cells are numbers or dates

Only the Python standard library (zipfile, xml.etree): the workbook is
read as any spreadsheet application reads it, not through the library
that wrote it.
"""
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
PR = '{http://schemas.openxmlformats.org/package/2006/relationships}'
BUILTIN_DATES = set(range(14, 23)) | set(range(45, 48))


def sheet_path(z, name):
    wb = ET.fromstring(z.read('xl/workbook.xml'))
    rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
    targets = {r.get('Id'): r.get('Target') for r in rels.iter(PR + 'Relationship')}
    for s in wb.iter(M + 'sheet'):
        if s.get('name') == name:
            t = targets[s.get(R + 'id')]
            return t.lstrip('/') if t.startswith('/') else 'xl/' + t
    sys.exit('no sheet %r' % name)


def date_styles(z):
    st = ET.fromstring(z.read('xl/styles.xml'))
    custom = {int(f.get('numFmtId')): f.get('formatCode')
              for f in st.iter(M + 'numFmt')}
    out = set()
    xfs = st.find(M + 'cellXfs')
    for i, xf in enumerate(xfs.findall(M + 'xf') if xfs is not None else []):
        n = int(xf.get('numFmtId', '0'))
        code = re.sub(r'"[^"]*"|\[[^]]*\]', '', custom.get(n, ''))
        if n in BUILTIN_DATES or re.search(r'[ymd]', code, re.I):
            out.add(i)
    return out


def strings(z):
    if 'xl/sharedStrings.xml' not in z.namelist():
        return []
    sst = ET.fromstring(z.read('xl/sharedStrings.xml'))
    return [''.join(t.text or '' for t in si.iter(M + 't'))
            for si in sst.findall(M + 'si')]


def col_index(ref):
    n = 0
    for ch in re.match(r'[A-Z]+', ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1


def civil(days):
    # days since 1970-01-01 to (y, m, d): Howard Hinnant's civil_from_days
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return y + (m <= 2), m, d


def cells(z, name):
    dates, sst = date_styles(z), strings(z)
    root = ET.fromstring(z.read(sheet_path(z, name)))
    rows = []
    for row in root.iter(M + 'row'):
        vals = {}
        for c in row.findall(M + 'c'):
            t, s = c.get('t'), int(c.get('s', '0'))
            v = c.find(M + 'v')
            if t == 's':
                val, kind = sst[int(v.text)], 'text'
            elif t == 'inlineStr':
                val = ''.join(x.text or '' for x in c.iter(M + 't'))
                kind = 'text'
            elif t == 'str':
                val, kind = v.text or '', 'text'
            elif v is None:
                continue
            elif s in dates:
                y, m, d = civil(int(float(v.text)) - 25569)
                val, kind = '%04d-%02d-%02d' % (y, m, d), 'date'
            else:
                f = float(v.text)
                val = str(int(f)) if f == int(f) else v.text
                kind = 'number'
            vals[col_index(c.get('r'))] = (val, kind)
        rows.append(vals)
    return root, rows


def quote(s):
    if re.search(r'[,"\r\n]', s) or s[:1] in ' \t' or s[-1:] in ' \t':
        return '"' + s.replace('"', '""') + '"'
    return s


def main():
    args = sys.argv[1:]
    meta = args[:1] == ['--meta']
    if meta:
        args = args[1:]
    with zipfile.ZipFile(args[0]) as z:
        root, rows = cells(z, args[1])
    if meta:
        pane = root.find('.//' + M + 'pane')
        af = root.find(M + 'autoFilter')
        cols = root.findall('.//' + M + 'col')
        print('frozen: %s' % (pane.get('topLeftCell') if pane is not None
                              and pane.get('state') == 'frozen' else 'no'))
        print('autofilter: %s' % (af.get('ref') if af is not None else 'no'))
        print('widths: %d columns' % len(cols))
        for i, r in enumerate(rows[1:2], 2):
            print('row %d: %s' % (i, ' '.join(r[k][1] for k in sorted(r))))
        return
    width = max(rows[0]) + 1 if rows and rows[0] else 0
    for r in rows:
        # as wide as the header row: a CSV line keeps its empty fields
        n = max(max(r) + 1 if r else 0, width)
        print(','.join(quote(r[k][0]) if k in r else '' for k in range(n)))


main()
