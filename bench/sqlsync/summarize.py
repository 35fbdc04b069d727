"""Table and bars from bench/sqlsync/run.sh's results.tsv: engine tool phase seconds kb rows compare-seconds cpu-seconds.
A phase measured in several rounds (the 1%-changed re-sync) is summarized by each figure's median over its rounds."""
import statistics
import sys

path, records, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = {}
for line in open(path):
    engine, tool, phase, seconds, kb, written, compare, cpu = line.rstrip("\n").split("\t")
    runs.setdefault((engine, tool, phase), []).append(
        (float(seconds), int(kb), int(written), None if compare == "-" else float(compare), float(cpu)))


def median(engine, tool, phase):
    measured = runs[engine, tool, phase]
    compares = [m[3] for m in measured if m[3] is not None]
    return (statistics.median(m[0] for m in measured), max(m[1] for m in measured), statistics.median(m[2] for m in measured),
            statistics.median(compares) if compares else None, statistics.median(m[4] for m in measured))


rows = {key: median(*key) for key in runs}
rounds = len(runs[next(k for k in runs if k[2] == "changed")])
print(f"{records:,} records, pages of 5,000 over HTTP on 127.0.0.1, {cores} cores; wall s / peak RSS MB / rows written"
      f"{f'; changed: median of {rounds} rounds' if rounds > 1 else ''}")
print(f"{'engine':9}{'tool':10}" + "".join(f"{p:>28}" for p in ("initial", "nochange", "changed (1%)")))
for engine in dict.fromkeys(e for e, _, _ in rows):
    for tool in ("syncplane", "upsert", "copy"):
        cells = []
        for phase in ("initial", "nochange", "changed"):
            s, kb, w, _, _ = rows[engine, tool, phase]
            cells.append(f"{s:8.2f} s {kb / 1024:6.0f} MB {w:9,}")
        print(f"{engine:9}{tool:10}" + "".join(f"{c:>28}" for c in cells))

print()
changed = records // 100
for engine in dict.fromkeys(e for e, _, _ in rows):
    sp, up = rows[engine, "syncplane", "changed"], rows[engine, "upsert", "changed"]
    nc = rows[engine, "syncplane", "nochange"]
    ratio = sp[0] / up[0]
    each = [s[0] / u[0] for s, u in zip(runs[engine, "syncplane", "changed"], runs[engine, "upsert", "changed"])]
    written = [m[2] for m in runs[engine, "syncplane", "changed"]]
    rss = max(rows[engine, "syncplane", p][1] for p in ("initial", "nochange", "changed")) / 1024
    print(f"{engine}: 1%-changed re-sync, Syncplane / naive upsert = {ratio:.2f}x (bar <= 0.5x: {'met' if ratio <= 0.5 else 'MISSED'})"
          f"{'; each round: ' + ', '.join(f'{r:.2f}x' for r in each) if len(each) > 1 else ''}")
    print(f"{engine}: rows written on the 1%-changed re-sync = {', '.join(f'{w:,}' for w in written)} for {changed:,} changed "
          f"({'met' if all(w == changed for w in written) else 'MISSED'}); with nothing changed = {nc[2]:,}")
    print(f"{engine}: records compared per second, records / wall time of the whole syncplane process = {records / nc[0]:,.0f} unchanged, "
          f"{records / sp[0]:,.0f} 1% changed (bar >= 200,000/s: {'met' if records / sp[0] >= 200000 else 'MISSED'})")
    if sp[3] and nc[3]:
        print(f"{engine}: records compared per second, records / compare phase logged by the run (HTTP fetch to end of merge) = "
              f"{records / nc[3]:,.0f} unchanged, {records / sp[3]:,.0f} 1% changed")
    print(f"{engine}: Syncplane CPU (user + sys) per record, whole process = {nc[4] / records * 1e6:.1f} us unchanged, "
          f"{sp[4] / records * 1e6:.1f} us 1% changed (naive upsert: {up[4] / records * 1e6:.1f} us); 200,000/s on one core is 5 us")
    print(f"{engine}: Syncplane peak RSS = {rss:.0f} MB (bar < 300 MB: {'met' if rss < 300 else 'MISSED'})")
