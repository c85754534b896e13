// Marketplace web UI: small progressive enhancements; every page works without them.
// Everything from the server is written with textContent, never as HTML.
'use strict';

(function () {
  // Browse: a GET form sends empty fields too; leave them out of the shared URL.
  function cleanFilters(form) {
    form.addEventListener('submit', function () {
      for (const el of Array.from(form.elements)) {
        if (el.name && !el.value) el.disabled = true;
      }
    });
  }

  function cell(tag, text) {
    const el = document.createElement(tag);
    el.textContent = text;
    return el;
  }

  // SPARQL results (application/sparql-results+json) as a table.
  function resultsTable(data) {
    const table = document.createElement('table');
    table.id = 'sparql-table';
    const vars = (data.head && data.head.vars) || [];
    if (data.boolean !== undefined) {
      table.appendChild(cell('caption', 'ASK: ' + String(data.boolean)));
      return table;
    }
    const rows = (data.results && data.results.bindings) || [];
    table.appendChild(cell('caption', rows.length + (rows.length === 1 ? ' row' : ' rows')));
    const head = document.createElement('tr');
    for (const v of vars) head.appendChild(cell('th', v)).setAttribute('scope', 'col');
    table.appendChild(document.createElement('thead')).appendChild(head);
    const body = table.appendChild(document.createElement('tbody'));
    for (const binding of rows) {
      const tr = body.appendChild(document.createElement('tr'));
      for (const v of vars) tr.appendChild(cell('td', binding[v] ? binding[v].value : ''));
    }
    return table;
  }

  async function errorText(response) {
    const text = await response.text();
    try {
      const body = JSON.parse(text);
      if (body.error && body.error.message) return body.error.message;
    } catch (e) { /* not JSON: show the text as it came */ }
    return text.trim() || response.status + ' ' + response.statusText;
  }

  function sparqlForm(form) {
    const box = document.getElementById('query');
    const out = document.getElementById('sparql-results');
    const error = document.getElementById('sparql-error');
    for (const link of document.querySelectorAll('a.example')) {
      link.addEventListener('click', function (event) {
        event.preventDefault();
        box.value = new URL(link.href).searchParams.get('query');
        box.focus();
      });
    }
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      error.hidden = true;
      out.textContent = 'Running…';
      try {
        const response = await fetch(form.action.replace(/\?.*$/, ''), {
          method: 'POST',
          headers: {Accept: 'application/sparql-results+json'},
          body: new URLSearchParams({query: box.value}),
        });
        out.textContent = '';
        if (!response.ok) {
          error.textContent = response.status + ': ' + await errorText(response);
          error.hidden = false;
          return;
        }
        out.appendChild(resultsTable(await response.json()));
      } catch (e) {
        out.textContent = '';
        error.textContent = 'The query could not be sent: ' + e.message;
        error.hidden = false;
      }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    const filters = document.querySelector('form.filters');
    if (filters) cleanFilters(filters);
    const sparql = document.getElementById('sparql-form');
    if (sparql) sparqlForm(sparql);
  });
})();
