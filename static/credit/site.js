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
