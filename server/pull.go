package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/server/storage"
)

// Pull limits of CONTRACT.md.
const (
	defaultLimit = 500
	maxLimit     = 1000
)

// tokenPrefix versions the page-token format.
const tokenPrefix = "p1\x00"

// encodePageToken makes the opaque token for "after (updatedAt, id)".
func encodePageToken(updatedAt, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + updatedAt + "\x00" + id))
}

func decodePageToken(tok string) (updatedAt, id string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", "", false
	}
	rest, ok := strings.CutPrefix(string(b), tokenPrefix)
	if !ok {
		return "", "", false
	}
	updatedAt, id, ok = strings.Cut(rest, "\x00")
	if !ok || !validID(id) {
		return "", "", false
	}
	if _, ok := parseVersion(updatedAt); !ok {
		return "", "", false
	}
	return updatedAt, id, true
}

func (s *Server) handlePull(w http.ResponseWriter, r *http.Request, tenant, kind string) {
	if !core.ValidKind(kind) {
		writeError(w, http.StatusBadRequest, codeBadRequest, "kind must match [a-z][a-z0-9_]{0,63}")
		return
	}
	q, ok := query(w, r)
	if !ok {
		return
	}
	pq := storage.PullQuery{Tenant: tenant, Kind: kind, IncludeDeleted: true, Limit: defaultLimit}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			writeError(w, http.StatusBadRequest, codeBadRequest, "limit must be an integer from 1 to 1000")
			return
		}
		pq.Limit = n
	}
	if v := q.Get("includeDeleted"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, codeBadRequest, "includeDeleted must be true or false")
			return
		}
		pq.IncludeDeleted = b
	}
	if tok := q.Get("pageToken"); tok != "" {
		u, id, ok := decodePageToken(tok)
		if !ok {
			writeError(w, http.StatusBadRequest, codeBadRequest, "malformed pageToken")
			return
		}
		pq.AfterUpdatedAt, pq.AfterID = u, id
	} else {
		since, ok := parseSince(q.Get("updatedSince"))
		if !ok {
			writeError(w, http.StatusBadRequest, codeBadRequest, "updatedSince must be an RFC 3339 time")
			return
		}
		pq.AfterUpdatedAt, pq.AfterID = since, q.Get("afterId")
		if pq.AfterID != "" && !validID(pq.AfterID) {
			writeError(w, http.StatusBadRequest, codeBadRequest, "afterId must be 1 to 256 bytes of UTF-8 without NUL")
			return
		}
	}
	pq.MaxBytes = s.cfg.MaxPageBytes
	rows, more, err := s.store.Pull(r.Context(), pq)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	next := []byte("null")
	if more && len(rows) > 0 {
		last := rows[len(rows)-1]
		next, _ = json.Marshal(encodePageToken(last.UpdatedAt, last.ID))
	}
	var buf bytes.Buffer
	buf.WriteString(`{"items":[`)
	for i, row := range rows {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(row.Doc)
	}
	buf.WriteString(`],"nextPageToken":`)
	buf.Write(next)
	buf.WriteByte('}')
	writeJSON(w, http.StatusOK, buf.Bytes())
}
