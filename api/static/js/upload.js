// Upload with progress, then poll the submission until it is done, then open its report.
// Without this script the form posts to /submit and the report page refreshes itself.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var flow = document.getElementById("dataflow");
  var provider = document.getElementById("provider");
  var fileInput = document.getElementById("file");
  var zone = document.getElementById("dropzone");
  var box = document.getElementById("progress");
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-label");
  var errorBox = document.getElementById("progress-error");
  var messages = {};
  var tpl = document.getElementById("i18n");
  if (tpl && tpl.content) {
    tpl.content.querySelectorAll("[data-key]").forEach(function (el) { messages[el.getAttribute("data-key")] = el.textContent; });
  }
  function msg(key, values) {
    var s = messages[key] || key;
    Object.keys(values || {}).forEach(function (k) { s = s.replace("{" + k + "}", values[k]); });
    return s;
  }
  function filterProviders() {
    var current = flow.value;
    Array.prototype.forEach.call(provider.options, function (opt) {
      var f = opt.getAttribute("data-flow");
      if (!f) { return; }
      var show = f === current;
      opt.hidden = !show;
      opt.disabled = !show;
      if (!show && opt.selected) { provider.value = ""; }
    });
  }
  flow.addEventListener("change", filterProviders);
  filterProviders();

  ["dragenter", "dragover"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) { fileInput.files = e.dataTransfer.files; }
  });

  function fail(message) {
    errorBox.hidden = false;
    errorBox.textContent = msg("failed") + " " + message;
    form.querySelector("button[type=submit]").disabled = false;
  }
  function errorText(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      if (body.errors && body.errors.length) { return body.errors[0].title || body.errors[0].detail; }
    } catch (ignore) { /* not JSON */ }
    return xhr.status + " " + xhr.statusText;
  }
  function poll(url, reportUrl) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      if (xhr.status !== 200) { fail(errorText(xhr)); return; }
      var s = JSON.parse(xhr.responseText);
      var n = (s.progress && s.progress.observations_read) || 0;
      if (s.done) {
        text.textContent = msg("done");
        bar.value = 100;
        window.location.assign(reportUrl);
        return;
      }
      bar.removeAttribute("value");
      text.textContent = s.status === "loading" ? msg("loading", { n: n.toLocaleString() })
        : s.status === "validating" ? msg("validating", { n: n.toLocaleString() }) : msg("queued");
      setTimeout(function () { poll(url, reportUrl); }, 1000);
    };
    xhr.onerror = function () { fail("network"); };
    xhr.send();
  }
  form.addEventListener("submit", function (e) {
    if (!fileInput.files.length || !flow.value || !provider.value) { return; } // let the browser validate
    e.preventDefault();
    var params = new URLSearchParams();
    params.set("dataflow", flow.value);
    params.set("provider", provider.value);
    var action = form.querySelector("input[name=action]:checked");
    if (action) { params.set("action", action.value); }
    if (form.querySelector("input[name=partial]").checked) { params.set("partial", "true"); }
    var data = new FormData();
    data.append("file", fileInput.files[0]);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("data-api") + "?" + params.toString());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", form.querySelector("input[name=csrf_token]").value);
    box.hidden = false;
    errorBox.hidden = true;
    form.querySelector("button[type=submit]").disabled = true;
    xhr.upload.onprogress = function (ev) {
      if (ev.lengthComputable) {
        var pct = Math.round(100 * ev.loaded / ev.total);
        bar.value = pct;
        text.textContent = msg("uploading", { pct: pct });
      }
    };
    xhr.upload.onload = function () { text.textContent = msg("uploaded"); };
    xhr.onload = function () {
      if (xhr.status !== 200 && xhr.status !== 202) { fail(errorText(xhr)); return; }
      var body = JSON.parse(xhr.responseText);
      var reportUrl = form.getAttribute("data-report").replace("SUBID", body.id);
      if (body.done) { window.location.assign(reportUrl); return; }
      poll(body.url, reportUrl);
    };
    xhr.onerror = function () { fail("network"); };
    xhr.send(data);
  });
})();
