// The import status page: poll the task's progress, move the bar, and reload when it has finished.
(() => {
  const section = document.querySelector("[data-import-status-url]");
  if (!section) return;
  const url = section.dataset.importStatusUrl;
  const bar = section.querySelector("[data-import-bar]");
  const phase = section.querySelector("[data-import-phase]");

  const describe = (state) => {
    if (state.status === "ready") return "Waiting for the task worker to start the import…";
    if (state.phase === "saving") return `Saving ${state.done} of ${state.total} profiles…`;
    return "Checking the file against the site…";
  };

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const state = await response.json();
        if (state.finished) {
          window.location.reload();
          return;
        }
        bar.value = state.percent;
        bar.textContent = `${state.percent}%`;
        phase.textContent = describe(state);
      }
    } catch (error) {
      // A dropped request (a deploy, a restart): try again on the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
})();
