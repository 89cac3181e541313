import Foundation

/// The HTML of the review report: one self-contained page (inline CSS, script and SVG; system
/// fonts; no network access) that refers to its audio and images by relative paths.
///
/// Page behaviour: ratings (OK / bad / unintelligible, plus a comment) are kept in
/// `localStorage` under `audioamp-review:<run key>` and exported as
/// `{"run": key, "ratings": [{"id", "rating", "comment"}]}`. Keys: j/→/↓ next, k/←/↑ previous,
/// c play clean, a play augmented, 1/2/3 rate, m comment box, Esc leaves the box, e export.
/// Opening `index.html#selftest` runs a self-check (every audio element loads, every image
/// decodes, a rating by key presses and its export) and writes the result as JSON into
/// `<pre id="selftest">` and `document.title`.
enum ReviewPage {
  static func html(
    run: String, runDirectory: String, samples: [ReviewSample], outputs: Int, stratify: Stratification?,
    seed: UInt64, histograms: [Histogram], snrToleranceDB: Double, noise: String = ""
  ) -> String {
    let e = HTML.escape
    let flagged = samples.filter { !$0.flags.isEmpty }.count
    var h = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>audioamp review: \(e((runDirectory as NSString).lastPathComponent))</title>
      <link rel="icon" href="data:,">
      <style>\(css)</style></head>
      <body data-run="\(run)">
      <header><h1>Listening check: \(e(runDirectory))</h1>
      <p>\(samples.count) of \(outputs) outputs, \(stratify.map { "stratified by " + $0.rawValue } ?? "unstratified"), seed \(seed).
      \(flagged) flagged automatically (clipped, silent, ESTOI below its floor, or, for outputs without an ESTOI record, blind SNR more than \(Int(snrToleranceDB)) dB below the SNR asked).
      Rated <span id="rated">0</span>/\(samples.count).
      <button id="export" type="button">Export ratings (e)</button></p>
      <p class="keys">Keys: <kbd>j</kbd>/<kbd>→</kbd> next, <kbd>k</kbd>/<kbd>←</kbd> previous, <kbd>c</kbd> play clean,
      <kbd>a</kbd> play augmented, <kbd>1</kbd> OK, <kbd>2</kbd> bad, <kbd>3</kbd> unintelligible,
      <kbd>m</kbd> comment, <kbd>Esc</kbd> leave comment. Ratings are saved in this browser as you go.</p>
      </header>
      <section class="run"><h2>Whole run</h2><div class="hists">
      """
    for hist in histograms { h += hist.svg }
    h += "</div>\n" + noise + "</section>\n<main>\n"
    for (n, s) in samples.enumerated() {
      let file = ReviewReport.fileName(s.id)
      let aug = "../" + pathURL(s.record["audio_filepath"]?.stringValue ?? "")
      let sid = s.record["source_id"]?.stringValue ?? ""
      let flags = s.flags.map { "<span class=\"flag\">\(e(flagText($0, s, snrToleranceDB)))</span>" }.joined(separator: " ")
      h += """
        <section class="sample" id="s\(n)" data-id="\(e(s.id))" tabindex="-1">
        <h3><span class="n">\(n + 1).</span> \(e(s.id)) <span class="stratum">\(e(s.stratum))</span> \(flags)</h3>
        <p class="text">\(e(s.record["text"]?.stringValue ?? ""))</p>
        <div class="pair">
        <figure><figcaption>Clean (\(e(sid)))</figcaption>
        """
      if s.hasClean {
        h += """
          <audio class="clean" controls preload="metadata" src="clean/\(pathURL(ReviewReport.fileName(sid))).wav"></audio>
          <img src="img/\(pathURL(file)).clean.png" alt="spectrogram of the clean source" loading="eager">
          """
      } else {
        h += "<p class=\"missing\">no clean audio (run review with --input)</p>"
      }
      h += """
        </figure>
        <figure><figcaption>Augmented</figcaption>
        <audio class="aug" controls preload="metadata" src="\(aug)"></audio>
        <img src="img/\(pathURL(file)).aug.png" alt="spectrogram of the augmented output" loading="eager">
        </figure></div>
        <div class="details"><table class="params"><tr><th>effect</th><th>parameters</th></tr>
        """
      for eff in ReviewSampler.effects(of: s.record) {
        guard case .object(let pairs) = eff else { continue }
        let name = eff["effect"]?.stringValue ?? "?"
        let params = pairs.filter { $0.0 != "effect" }.map { "\(e($0.0))=\(e(display($0.1)))" }.joined(separator: ", ")
        h += "<tr><td>\(e(name))</td><td>\(params)</td></tr>"
      }
      let i = s.inspection
      h += """
        </table><table class="measured"><tr><th colspan="2">measured (augmented)</th></tr>
        <tr><td>duration</td><td>\(String(format: "%.2f s", i.durationSeconds))</td></tr>
        <tr><td>peak / RMS</td><td>\(db(i.peakDBFS)) / \(db(i.rmsDBFS))</td></tr>
        <tr><td>active level (P.56)</td><td>\(db(i.activeLevelDBFS)), activity \(String(format: "%.0f%%", i.activityFactor * 100))</td></tr>
        <tr><td>clipped samples</td><td>\(i.clippedSamples)</td></tr>
        <tr><td>blind SNR (WADA)</td><td>\(i.estimatedSNRDB.map { String(format: "%.1f dB", $0) } ?? "n/a")\(ReviewReport.askedSNR(s.record).map { String(format: " (asked %.1f dB)", $0) } ?? "")</td></tr>
        <tr><td>bandwidth</td><td>\(String(format: "%.0f Hz", i.bandwidthHz))</td></tr>
        </table></div>
        <div class="rating" role="group" aria-label="rating">
        <button type="button" class="rate" data-rating="ok">1 OK</button>
        <button type="button" class="rate" data-rating="bad">2 bad</button>
        <button type="button" class="rate" data-rating="unintelligible">3 unintelligible</button>
        <textarea rows="1" placeholder="comment (m)" aria-label="comment"></textarea></div>
        </section>

        """
    }
    h += "</main>\n<pre id=\"selftest\" hidden></pre>\n<script>\(script)</script>\n</body></html>\n"
    return h
  }

  static func flagText(_ flag: String, _ s: ReviewSample, _ tol: Double) -> String {
    switch flag {
    case "clipped": return "clipped (\(s.inspection.clippedSamples))"
    case "silent": return "silent"
    case "estoi":
      return String(format: "hard to understand: ESTOI %.2f", ReviewNoise.estoi(s.record) ?? 0)
    case "snr":
      return String(format: "noisier than asked: SNR est. %.0f dB, asked %.0f dB", s.inspection.estimatedSNRDB ?? 0, ReviewReport.askedSNR(s.record) ?? 0)
    default: return flag
    }
  }

  static func db(_ v: Double) -> String { v.isFinite ? String(format: "%.1f dBFS", v) : "-inf" }

  static func display(_ v: JSONValue) -> String {
    if case .string(let s) = v { return s }
    return v.serialized
  }

  /// Percent-encodes a relative path for use in `src` (keeps `/`).
  static func pathURL(_ p: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~/")
    return p.addingPercentEncoding(withAllowedCharacters: allowed) ?? p
  }

  static let css = """
    body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 1.5em 3em;color:#222;background:#fafafa}
    h1{font-size:1.3em}h2{font-size:1.1em}h3{font-size:1em;margin:.2em 0}
    .hists{display:flex;flex-wrap:wrap;gap:8px}.hist{background:#fff;border:1px solid #ddd}
    .hist rect{fill:#4a6fa5}.hist text{font-size:10px;fill:#333}.hist .ht{font-weight:bold;font-size:11px}
    .profile figure{margin:0;background:#fff;border:1px solid #ddd}.profile figcaption{font-size:12px;color:#444;padding:0 4px}
    .profile svg text{font-size:11px}.profile rect.a{fill:#4a7bb7}.profile rect.b{fill:none;stroke:#d0602a;stroke-width:1.5}
    .profile .far{color:#a00}
    section.sample{background:#fff;border:2px solid #ddd;border-radius:6px;padding:.6em;margin:1em 0}
    section.sample.current{border-color:#d2691e;box-shadow:0 0 0 3px #f5deb3}
    .pair{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;flex:1 1 0;min-width:300px}figcaption{font-size:.85em;color:#555}
    audio{display:block;width:100%;margin:.2em 0}img{display:block;max-width:100%}
    .text{font-size:1.05em;margin:.3em 0}.stratum{font-size:.8em;color:#666;background:#eee;padding:0 .4em;border-radius:3px}
    table.noise{border-collapse:collapse;margin:.5em 0}table.noise td,table.noise th{border:1px solid #ccc;padding:.2em .5em}
    td.out{background:#fdd}td.in{background:#efe}
    .flag{font-size:.8em;color:#fff;background:#b22222;padding:0 .4em;border-radius:3px}
    .details{display:flex;flex-wrap:wrap;gap:16px;font-size:.85em}table{border-collapse:collapse}
    td,th{padding:1px 6px;text-align:left;vertical-align:top;border-bottom:1px solid #eee}
    .rating{margin-top:.4em;display:flex;gap:6px;align-items:center}.rating textarea{flex:1;min-width:200px}
    button.rate.on{background:#d2691e;color:#fff}.missing{color:#999}kbd{border:1px solid #bbb;border-radius:3px;padding:0 3px}
    """

  static let script = #"""
    (function () {
      'use strict';
      var errors = [];
      window.addEventListener('error', function (e) { errors.push(String(e.message || e)); });
      var origError = console.error;
      console.error = function () {
        errors.push(Array.prototype.map.call(arguments, String).join(' '));
        origError.apply(console, arguments);
      };
      var RUN = document.body.getAttribute('data-run');
      var KEY = 'audioamp-review:' + RUN;
      var samples = Array.prototype.slice.call(document.querySelectorAll('section.sample'));
      var ratings = load();
      var cur = 0;

      function load() {
        try { var r = JSON.parse(localStorage.getItem(KEY) || '{}'); return r && typeof r === 'object' ? r : {}; }
        catch (e) { return {}; }
      }
      function save() { try { localStorage.setItem(KEY, JSON.stringify(ratings)); } catch (e) { /* private mode */ } }
      function paint(s) {
        var r = ratings[s.getAttribute('data-id')] || {};
        s.querySelectorAll('button.rate').forEach(function (b) {
          b.classList.toggle('on', r.rating === b.getAttribute('data-rating'));
        });
        var t = s.querySelector('textarea');
        if (document.activeElement !== t) { t.value = r.comment || ''; }
      }
      function count() {
        var n = samples.filter(function (s) { var r = ratings[s.getAttribute('data-id')]; return r && r.rating; }).length;
        document.getElementById('rated').textContent = String(n);
      }
      function show(i, scroll) {
        if (!samples.length) { return; }
        cur = Math.max(0, Math.min(samples.length - 1, i));
        samples.forEach(function (s, j) { s.classList.toggle('current', j === cur); });
        if (scroll !== false) { samples[cur].scrollIntoView({ block: 'nearest' }); }
      }
      function entry(s) { var id = s.getAttribute('data-id'); return ratings[id] || (ratings[id] = {}); }
      function rate(s, value) { entry(s).rating = value; save(); paint(s); count(); }
      function comment(s, text) { entry(s).comment = text; save(); }
      function play(kind) {
        if (!samples.length) { return; }
        var a = samples[cur].querySelector('audio.' + kind);
        if (!a) { return; }
        document.querySelectorAll('audio').forEach(function (x) { if (x !== a) { x.pause(); } });
        a.currentTime = 0;
        var p = a.play();
        if (p && p.catch) { p.catch(function () {}); }
      }
      function exported() {
        return {
          run: RUN,
          ratings: samples.map(function (s) { return s.getAttribute('data-id'); })
            .filter(function (id) { return ratings[id] && ratings[id].rating; })
            .map(function (id) { return { id: id, rating: ratings[id].rating, comment: ratings[id].comment || '' }; })
        };
      }
      function download() {
        var blob = new Blob([JSON.stringify(exported(), null, 1) + '\n'], { type: 'application/json' });
        var a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = 'ratings-' + RUN + '.json';
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
      }

      samples.forEach(function (s, i) {
        paint(s);
        s.addEventListener('click', function () { show(i, false); });
        s.querySelectorAll('button.rate').forEach(function (b) {
          b.addEventListener('click', function () { show(i, false); rate(s, b.getAttribute('data-rating')); });
        });
        s.querySelector('textarea').addEventListener('input', function (e) { comment(s, e.target.value); });
      });
      document.getElementById('export').addEventListener('click', download);
      count();
      show(0, false);

      document.addEventListener('keydown', function (e) {
        var t = e.target;
        var tag = t && t.tagName;
        if (tag === 'TEXTAREA' || tag === 'INPUT') {
          if (e.key === 'Escape') { t.blur(); e.preventDefault(); }
          return;
        }
        if (e.ctrlKey || e.metaKey || e.altKey) { return; }
        var arrows = tag === 'AUDIO';
        switch (e.key) {
          case 'j': case 'ArrowDown': case 'ArrowRight': if (arrows && e.key.indexOf('Arrow') === 0) { return; } show(cur + 1); break;
          case 'k': case 'ArrowUp': case 'ArrowLeft': if (arrows && e.key.indexOf('Arrow') === 0) { return; } show(cur - 1); break;
          case 'c': play('clean'); break;
          case 'a': play('aug'); break;
          case '1': if (samples.length) { rate(samples[cur], 'ok'); } break;
          case '2': if (samples.length) { rate(samples[cur], 'bad'); } break;
          case '3': if (samples.length) { rate(samples[cur], 'unintelligible'); } break;
          case 'm': if (samples.length) { samples[cur].querySelector('textarea').focus(); } break;
          case 'e': download(); break;
          default: return;
        }
        e.preventDefault();
      });

      function key(k, target) {
        (target || document.body).dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
      }
      function selftest() {
        var t0 = performance.now();
        var audios = Array.prototype.slice.call(document.querySelectorAll('audio'));
        var images = Array.prototype.slice.call(document.images);
        var audioDone = audios.map(function (a) {
          return new Promise(function (resolve) {
            var src = a.getAttribute('src');
            if (a.readyState >= 1) { resolve({ src: src, ok: a.duration > 0 }); return; }
            a.addEventListener('loadedmetadata', function () { resolve({ src: src, ok: a.duration > 0 }); }, { once: true });
            a.addEventListener('error', function () { resolve({ src: src, ok: false }); }, { once: true });
            a.load();
          });
        });
        var imageDone = images.map(function (img) {
          var src = img.getAttribute('src');
          return img.decode().then(function () { return { src: src, ok: img.naturalWidth > 0 }; },
            function () { return { src: src, ok: false }; });
        });
        Promise.all([Promise.all(audioDone), Promise.all(imageDone)]).then(function (done) {
          var loadMs = Math.round(performance.now() - t0);
          ratings = {};
          save();
          samples.forEach(paint);
          show(0, false);
          key('j'); key('k');
          key('2');
          var box = samples.length ? samples[0].querySelector('textarea') : null;
          if (box) {
            key('m');
            box.value = 'selftest: noise too loud';
            box.dispatchEvent(new Event('input', { bubbles: true }));
            key('1', box);
            key('Escape', box);
          }
          key('ArrowRight'); key('3');
          var stored = load();
          var ex = exported();
          var failedAudio = done[0].filter(function (r) { return !r.ok; }).map(function (r) { return r.src; });
          var failedImages = done[1].filter(function (r) { return !r.ok; }).map(function (r) { return r.src; });
          var result = {
            ok: failedAudio.length === 0 && failedImages.length === 0 && errors.length === 0,
            samples: samples.length,
            audio: { count: audios.length, failed: failedAudio },
            images: { count: images.length, failed: failedImages },
            errors: errors,
            storedMatchesExport: JSON.stringify(stored[samples.length ? samples[0].getAttribute('data-id') : ''] || null) ===
              JSON.stringify(samples.length ? { rating: 'bad', comment: 'selftest: noise too loud' } : null),
            export: ex,
            loadMs: loadMs
          };
          ratings = {};
          save();
          samples.forEach(paint);
          count();
          var pre = document.getElementById('selftest');
          pre.textContent = JSON.stringify(result);
          pre.hidden = false;
          document.title = 'selftest:' + (result.ok ? 'pass' : 'fail');
        });
      }
      if (location.hash === '#selftest') { selftest(); }
    })();
    """#
}
