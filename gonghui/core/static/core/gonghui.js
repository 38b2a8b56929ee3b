// Gonghui's page behaviour, loaded by every page (base.html and the standalone print sheets).
//
// The Content-Security-Policy (core.security) allows no inline script, no inline event handler
// and no style attribute, so templates declare behaviour with data- attributes and this one file
// acts on them by event delegation on the document (which also covers rows htmx swaps in):
//
//   data-confirm="确定…？"       a button, link or form: ask first; "cancel" stops the click/submit
//   data-action="print"          a button: print the page
//   data-autosubmit              a select: submit its form when the choice changes
//   data-check-all="selector"    a checkbox: tick/untick every checkbox matching the selector in
//                                the same form (or the page when it is in no form)
//   data-collect="selector"      a form: on submit, the values of its ticked checkboxes matching
//                                the selector go comma-separated into its input[data-collected]
//   data-follow-field="name"     a link: its query parameter `name` follows the field of that name
//   data-width="42"              an element (a progress bar): its width is 42%
//   data-auto-download="key"     a link to a finished export: followed once by itself (per tab), so
//                                the file downloads as soon as the worker has built it
//   data-export-base (+ data-export-extra) links and data-follow-url inputs: after an htmx search
//                                pushed its filters into the address bar, export links and "back"
//                                fields follow them, so "export" exports exactly what is shown
//
// Widths are set through element.style (CSSOM), which the policy allows, not with markup.
(function () {
  "use strict";

  // --- confirm before acting --------------------------------------------------------------------
  // Capture phase: runs before htmx or any other handler, so a "cancel" stops everything.
  document.addEventListener(
    "click",
    function (event) {
      var target = event.target instanceof Element ? event.target : null;
      var asking = target && target.closest("[data-confirm]");
      if (!asking || asking.tagName === "FORM") return;
      if (!window.confirm(asking.dataset.confirm)) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true
  );

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true
  );

  // --- clicks ---------------------------------------------------------------------------------
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var printing = target.closest("[data-action='print']");
    if (printing) {
      event.preventDefault();
      window.print();
      return;
    }
    var all = target.closest("input[data-check-all]");
    if (all) {
      var scope = all.closest("form") || document;
      scope.querySelectorAll(all.dataset.checkAll).forEach(function (box) {
        if (box !== all && !box.disabled) box.checked = all.checked;
      });
    }
  });

  // --- changes --------------------------------------------------------------------------------
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLElement)) return;
    if (field.hasAttribute("data-autosubmit") && field.form) {
      if (field.form.requestSubmit) field.form.requestSubmit();
      else field.form.submit();
    }
    var name = field.getAttribute("name");
    if (name && "value" in field) {
      document.querySelectorAll("a[data-follow-field]").forEach(function (link) {
        if (link.dataset.followField !== name) return;
        var url = new URL(link.href, window.location.href);
        url.searchParams.set(name, field.value);
        link.href = url.toString();
      });
    }
  });

  // --- submits --------------------------------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.collect) return;
    var into = form.querySelector("input[data-collected]");
    if (!into) return;
    var values = [];
    form.querySelectorAll(form.dataset.collect).forEach(function (box) {
      if (box.checked) values.push(box.value);
    });
    into.value = values.join(",");
  });

  // --- widths (progress bars) -----------------------------------------------------------------
  function applyWidths(root) {
    var nodes = Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll("[data-width]") : []);
    if (root instanceof Element && root.hasAttribute("data-width")) nodes.push(root);
    nodes.forEach(function (node) {
      var value = parseFloat(node.dataset.width);
      if (!isNaN(value)) node.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
  }

  // --- filters pushed into the address bar by an htmx search ----------------------------------
  function followFilters() {
    var query = window.location.search.replace(/^\?/, "").replace(/(^|&)page=\d+/, "");
    document.querySelectorAll("a[data-export-base]").forEach(function (link) {
      var extra = link.dataset.exportExtra;
      link.href = link.dataset.exportBase + "?" + [query, extra].filter(Boolean).join("&");
    });
    document.querySelectorAll("input[data-follow-url]").forEach(function (input) {
      input.value = window.location.pathname + window.location.search;
    });
  }

  // --- a finished export downloads by itself, once ---------------------------------------------
  function autoDownload(root) {
    var link = root.querySelector ? root.querySelector("a[data-auto-download]") : null;
    if (!link) return;
    var key = "gonghui-export-" + link.dataset.autoDownload;
    try {
      if (window.sessionStorage.getItem(key)) return;
      window.sessionStorage.setItem(key, "1");
    } catch (error) {
      return; // no storage (private mode): the button is there
    }
    window.location.assign(link.href);
  }

  document.addEventListener("htmx:pushedIntoHistory", followFilters);
  document.addEventListener("htmx:load", function (event) {
    applyWidths(event.target);
    autoDownload(event.target);
  });
  applyWidths(document); // deferred: the page is parsed
  autoDownload(document);
})();
