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

  // The filing's attachments step (templates/portal/file_attachments.html, form[data-upload-url]):
  // choosing a file uploads it at once, its progress in the group's <progress>, one upload at a
  // time (each one saves the draft). A refused file resets the bar and shows the reason beside its
  // input. 下一步 pressed while an upload runs waits for it. Without script the same form posts the
  // chosen files with 上传 or 下一步, so a chosen file is never silently dropped.
  var uploads = { queue: Promise.resolve(), pending: 0, submitter: null };

  function showRefusal(section, messages) {
    var box = section.querySelector(".upload-refusal");
    var input = section.querySelector("input[type=file]");
    box.textContent = "";
    if (messages.length) {
      var list = document.createElement("ul");
      list.className = "errorlist";
      messages.forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    section.querySelector(".field").classList.toggle("has-error", messages.length > 0);
    if (messages.length) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  // The answer is our own partial (templates/portal/_draft_files.html): the group's messages move
  // beside its input, the list replaces the page's, and htmx wires its remove buttons.
  function takeFileList(html, group) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#draft-files");
    var current = document.getElementById("draft-files");
    if (!fresh || !current) { return null; }
    var messages = [];
    fresh.querySelectorAll("[data-group='" + group + "'] .errorlist").forEach(function (list) {
      list.querySelectorAll("li").forEach(function (item) { messages.push(item.textContent.trim()); });
      list.remove();
    });
    current.replaceWith(fresh);
    if (window.htmx) { window.htmx.process(fresh); }
    return messages;
  }

  function upload(form, section, files) {
    var bar = section.querySelector("progress");
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    data.append("group", section.getAttribute("data-group"));
    files.forEach(function (file) { data.append("files", file, file.name); });
    showRefusal(section, []);
    bar.value = 0;
    bar.hidden = false;
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      function finish(answered) {
        var messages = answered ? takeFileList(xhr.responseText, section.getAttribute("data-group")) : null;
        var refused = !answered || messages === null || xhr.getResponseHeader("X-Upload-Refused") === "1";
        if (refused) {
          bar.value = 0;
          bar.hidden = true;
          showRefusal(section, messages && messages.length ? messages : [form.getAttribute("data-upload-failed")]);
        } else {
          bar.value = 100;
        }
        resolve();
      }
      xhr.open("POST", form.getAttribute("data-upload-url"));
      xhr.setRequestHeader("HX-Request", "true");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable && event.total) {
          // 100 is for the answer: the bytes may all be sent before the file is refused.
          bar.value = Math.min(99, Math.round(event.loaded / event.total * 100));
        }
      });
      xhr.addEventListener("load", function () { finish(xhr.status === 200); });
      xhr.addEventListener("error", function () { finish(false); });
      xhr.addEventListener("abort", function () { finish(false); });
      xhr.send(data);
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input.form;
    if (!form || !form.hasAttribute("data-upload-url") || input.type !== "file" || !input.files.length) {
      return;
    }
    var section = input.closest(".upload-group");
    var files = Array.prototype.slice.call(input.files);
    input.value = "";  // taken: 下一步 does not post it a second time
    uploads.pending += 1;
    form.setAttribute("aria-busy", "true");
    uploads.queue = uploads.queue.then(function () { return upload(form, section, files); }).then(function () {
      uploads.pending -= 1;
      if (uploads.pending) { return; }
      form.removeAttribute("aria-busy");
      if (uploads.submitter) {
        var submitter = uploads.submitter;
        uploads.submitter = null;
        form.requestSubmit(submitter);
      }
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute("data-upload-url") && uploads.pending) {
      event.preventDefault();
      uploads.submitter = event.submitter || null;
    }
  });

  function hideUploadButtons() {  // choosing uploads: 上传 is for pages without script
    document.querySelectorAll("form[data-upload-url] .upload-button").forEach(function (button) {
      button.hidden = true;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", hideUploadButtons);
  } else {
    hideUploadButtons();
  }

  // <form data-busy="处理中…">: once sent, its submit button says so, spins and stays disabled, so
  // a step that takes a moment shows progress and a second press sends nothing twice. The button is
  // disabled after the submit event, when the browser has already taken the form's data.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-busy]")) { return; }
    if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
    form.setAttribute("aria-busy", "true");
    var button = event.submitter || form.querySelector("button[type=submit]");
    if (button) {
      button.classList.add("is-busy");
      button.setAttribute("data-idle", button.textContent);
      button.textContent = form.getAttribute("data-busy");
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });

  // Back to a page from the browser's cache: its forms are ready again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-busy][aria-busy=true]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button.is-busy").forEach(function (b) {
        b.disabled = false;
        b.classList.remove("is-busy");
        b.textContent = b.getAttribute("data-idle") || b.textContent;
      });
    });
  });
})();
