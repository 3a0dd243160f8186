// Progressive enhancement only: every control works without this file.
// 1. Upvote and save (library) forms post in the background and update in place.
// 2. The BibTeX "Copy" button appears and copies the entry.
// 3. A paper page rendered before its similar papers were found fetches them when they are.
// 4. The theme buttons switch at once (the post still stores the choice for the next page).
// 5. /admin refreshes its harvest status while a harvest runs.

// Upvote and save forms post the desired state; the answer updates the control in place.
const inPlace = {
  vote: (form, button, data) => {
    const count = form.querySelector('.count');
    if (count) count.textContent = String(data.total);
    button.setAttribute('aria-pressed', data.up ? 'true' : 'false');
    form.querySelector('input[name="up"]').value = data.up ? '0' : '1';
    button.setAttribute(
      'aria-label',
      (button.getAttribute('aria-label') || '')
        .replace(/^(Remove upvote from|Upvote) /, data.up ? 'Remove upvote from ' : 'Upvote ')
        .replace(/\(\d+ upvotes\)$/, `(${data.total} upvotes)`),
    );
  },
  save: (form, button, data) => {
    button.setAttribute('aria-pressed', data.saved ? 'true' : 'false');
    button.textContent = data.saved ? 'Saved ✓' : 'Save';
    form.querySelector('input[name="saved"]').value = data.saved ? '0' : '1';
    button.setAttribute(
      'aria-label',
      (button.getAttribute('aria-label') || '').replace(
        /^(Remove from|Save to) your library/,
        data.saved ? 'Remove from your library' : 'Save to your library',
      ),
    );
  },
};

document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const apply =
    inPlace[form.classList.contains('vote') ? 'vote' : form.classList.contains('save') ? 'save' : ''];
  if (!apply) return;
  event.preventDefault();
  const button = form.querySelector('button');
  if (!button || button.disabled) return;
  button.disabled = true;
  try {
    const res = await fetch(form.action, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
    });
    if (!res.ok) {
      form.submit(); // let the server explain (login page, error page)
      return;
    }
    apply(form, button, await res.json());
  } catch {
    form.submit();
  } finally {
    button.disabled = false;
  }
});

for (const button of document.querySelectorAll('button.copy[data-copy]')) {
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(source.value ?? source.textContent);
      button.textContent = 'Copied';
    } catch {
      source.select?.();
    }
  });
}

const similar = document.querySelector('[data-similar]');
if (similar) {
  fetch(similar.dataset.similar, { credentials: 'same-origin' })
    .then((res) => (res.ok ? res.text() : null))
    .then((fragment) => {
      // Our own escaped HTML from the same origin, as the page itself.
      if (fragment) similar.innerHTML = fragment;
    })
    .catch(() => {});
}

// The theme form: the server marks <html> on later pages; this page switches now.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains('theme')) return;
  const value = event.submitter?.value;
  if (!value) return;
  event.preventDefault();
  if (value === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = value;
  fetch(form.action, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ theme: value }),
    credentials: 'same-origin',
  }).catch(() => {});
});

// The /admin status block: replaced by a fresh copy every few seconds until nothing runs.
const polled = document.querySelector('[data-poll]');
if (polled) {
  const poll = () =>
    fetch(polled.dataset.poll, { credentials: 'same-origin' })
      .then((res) => (res.ok ? res.json() : null))
      .then((status) => {
        if (!status) return;
        polled.innerHTML = new DOMParser().parseFromString(
          status.html,
          'text/html',
        ).body.firstChild.innerHTML;
        if (status.running) setTimeout(poll, 2000);
      })
      .catch(() => {});
  setTimeout(poll, 2000);
}
