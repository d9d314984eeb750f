// The site's behaviour, loaded by every page (templates/base.html). Under the Content-Security-Policy
// no template carries inline script or on* handlers: elements ask for behaviour with data- attributes.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form (the language switch).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) {
      field.form.submit();
    }
  });

  // <button data-print>: prints the page (the filing receipt).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // <fieldset data-shown-with="ID" data-shown-value="V">: shown only while the control #ID has the
  // value V (the corrections of a conclusion, with the outcome "corrected"); while hidden it is
  // disabled, so nothing in it is submitted. Without script everything stays shown.
  function syncShownWith() {
    document.querySelectorAll("[data-shown-with]").forEach(function (part) {
      var control = document.getElementById(part.getAttribute("data-shown-with"));
      if (!control) { return; }
      var shown = control.value === part.getAttribute("data-shown-value");
      part.hidden = !shown;
      part.disabled = !shown;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.id && document.querySelector("[data-shown-with='" + event.target.id + "']")) {
      syncShownWith();
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", syncShownWith);
  } else {
    syncShownWith();
  }

  // form.upload-form: the upload's progress in its <progress>; a finished upload empties the form.
  function uploadBar(event) {
    var form = event.target.closest && event.target.closest("form.upload-form");
    return form ? { form: form, bar: form.querySelector("progress") } : null;
  }
  document.addEventListener("htmx:xhr:progress", function (event) {
    var upload = uploadBar(event);
    if (upload && upload.bar && event.detail.lengthComputable && event.detail.total) {
      upload.bar.hidden = false;
      upload.bar.value = Math.round(event.detail.loaded / event.detail.total * 100);
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var upload = uploadBar(event);
    if (upload && event.detail.successful) {
      if (upload.bar) { upload.bar.hidden = false; upload.bar.value = 100; }
      upload.form.reset();
    }
  });
})();
