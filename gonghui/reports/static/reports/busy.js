// Exports that take seconds (the PDF): the link says "正在生成…" and cannot be clicked again
// until the file has arrived; then the browser saves it under the server's file name.
(function () {
  "use strict";

  function fileName(response) {
    const disposition = response.headers.get("Content-Disposition") || "";
    const match = disposition.match(/filename\*=UTF-8''([^;]+)/i);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = name;
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-busy-text]");
    if (!link) return;
    if (link.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    if (!window.fetch || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const label = link.innerHTML;
    link.setAttribute("aria-busy", "true");
    link.setAttribute("aria-disabled", "true");
    link.classList.add("disabled");
    link.innerHTML = '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>';
    link.append(link.dataset.busyText);
    function restore() {
      link.innerHTML = label;
      link.removeAttribute("aria-busy");
      link.removeAttribute("aria-disabled");
      link.classList.remove("disabled");
    }
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        const name = fileName(response);
        return response.blob().then(function (blob) { save(blob, name); });
      })
      .then(restore, function () {
        restore();
        window.location.href = link.href; // let the server's own page say what went wrong
      });
  });
})();
