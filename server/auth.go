package server

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// LoadTokens reads a tokens file: one `TOKEN TENANT` pair per line, blank lines and lines
// starting with # ignored. It returns token → tenant.
func LoadTokens(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	defer f.Close()
	return ParseTokens(f)
}

// ParseTokens parses the tokens file format of LoadTokens.
func ParseTokens(r io.Reader) (map[string]string, error) {
	tokens := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF") // a UTF-8 BOM, as Windows editors write
		}
		line = strings.TrimSpace(line)
		if i := strings.IndexFunc(line, unsafeRune); i >= 0 || !utf8.ValidString(line) {
			return nil, fmt.Errorf("tokens: line %d: control character or invalid UTF-8 (tokens and tenants are printable text)", n)
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("tokens: line %d: want `TOKEN TENANT`, got %d fields", n, len(f))
		}
		if _, dup := tokens[f[0]]; dup {
			return nil, fmt.Errorf("tokens: line %d: token listed twice", n)
		}
		tokens[f[0]] = f[1]
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	return tokens, nil
}

// unsafeRune is a control character other than the tab that separates fields.
func unsafeRune(r rune) bool { return r != '\t' && unicode.IsControl(r) }

// tenantOf returns the caller's tenant from its bearer token, "" when unauthenticated.
func (s *Server) tenantOf(r *http.Request) string {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return ""
	}
	if t, ok := s.cfg.Tokens[token]; ok {
		return t
	}
	if s.cfg.Dev && utf8.ValidString(token) && !strings.Contains(token, "\x00") {
		return "dev:" + token
	}
	return ""
}
