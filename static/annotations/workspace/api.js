// The REST API as the page uses it: session cookie plus the CSRF token, JSON in and out.
// Errors become ApiError with the status and the body ({field: [reason]}, or detail/current).

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.status = status;
    this.body = body || {};
  }
}

// {"text": ["Does not match ..."], "non_field_errors": [...]} -> one readable sentence.
export function describe(status, body) {
  if (!body || typeof body !== "object") return `The server answered ${status}.`;
  const parts = [];
  for (const [field, value] of Object.entries(body)) {
    if (field === "current") continue;
    const text = Array.isArray(value) ? value.join(" ") : typeof value === "string" ? value : "";
    if (!text) continue;
    parts.push(field === "detail" || field === "non_field_errors" ? text : `${field}: ${text}`);
  }
  return parts.length ? parts.join(" ") : `The server answered ${status}.`;
}

export function createApi({ root, csrfToken }) {
  async function request(method, path, body) {
    let response;
    try {
      response = await fetch(path.startsWith("/") ? path : root + path, {
        method,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...(method === "GET" ? {} : { "X-CSRFToken": csrfToken }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, { detail: `The server could not be reached (${error.message}).` });
    }
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  return {
    createSpan: (spansUrl, fields) => request("POST", spansUrl, fields),
    updateSpan: (id, fields) => request("PATCH", `spans/${id}/`, fields),
    deleteSpan: (id, version) => request("DELETE", `spans/${id}/?version=${version}`),
    restoreSpan: (id) => request("POST", `spans/${id}/restore/`, {}),
    // Desk claims: a CLAIM's desk claim, its ratings and the desk's verdict.
    getDeskClaim: (id) => request("GET", `desk-claims/${id}/`),
    updateDeskClaim: (id, fields) => request("PATCH", `desk-claims/${id}/`, fields),
    setRating: (id, fields) => request("PUT", `desk-claims/${id}/ratings/`, fields),
    deleteRating: (id, version) => request("DELETE", `desk-claims/${id}/ratings/?version=${version}`),
    setVerdict: (id, fields) => request("PUT", `desk-claims/${id}/verdict/`, fields),
    moveMention: (spanId, deskClaimId, version) =>
      request("PUT", `spans/${spanId}/desk-claim/`, { desk_claim: deskClaimId, version }),
    proposals: (documentId, start, end, exclude) => {
      const query = new URLSearchParams({ start, end });
      for (const id of exclude) query.append("exclude", id);
      return request("GET", `documents/${documentId}/desk-claim-proposals/?${query}`);
    },
    // Already checked: the matches of this article's claims, and a reviewer's decision.
    claimChecks: (url) => request("GET", url),
    confirmClaimCheck: (id) => request("POST", `claim-checks/${id}/confirm/`, {}),
    dismissClaimCheck: (id) => request("POST", `claim-checks/${id}/dismiss/`, {}),
    // Machine suggestions.
    acceptSuggestion: (id) => request("POST", `suggestions/${id}/accept/`, {}),
    rejectSuggestion: (id) => request("POST", `suggestions/${id}/reject/`, {}),
    acceptAbove: (url, minScore) => request("POST", url, { min_score: minScore }),
    openSuggestions: (url) => request("GET", `${url}?status=open`),
    suggestionsWithStatus: (url, status) => request("GET", `${url}?status=${status}`),
    // Take back decisions: rejected ones open again, accepted ones too (their spans deleted).
    reopenSuggestions: (url, ids) => request("POST", url, { ids }),
    deleteVerdict: (id, version) => request("DELETE", `desk-claims/${id}/verdict/?version=${version}`),
    requestRun: (url) => request("POST", url, {}),
    runs: (url) => request("GET", url),
    // Outlet matches: where else a span's words appear; a reviewer's decision on a match.
    spanMatches: (spanId) => request("GET", `spans/${spanId}/matches/`),
    decideMatch: (id, decision) => request("POST", `matches/${id}/${decision}/`, {}),
  };
}
