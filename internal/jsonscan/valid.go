package jsonscan

// maxDepth is encoding/json's nesting limit: Valid refuses deeper documents as it does.
const maxDepth = 10000

// Valid reports whether b is one JSON value, as json.Valid does (FuzzValid checks they agree),
// in a single loop over the bytes: json.Valid's scanner calls a state function per byte,
// which in wasm was the largest share of the Go time of a pull.
func Valid(b []byte) bool {
	end, ok := ValidValue(b, SkipWS(b, 0), 0)
	return ok && SkipWS(b, end) == len(b)
}

// ValidValue checks the one JSON value starting at b[i], as Valid checks a whole document,
// and returns the index after it; depth is the number of containers around it (for the nesting
// limit). A caller that cuts a document into parts with it reads every byte once.
func ValidValue(b []byte, i, depth int) (int, bool) {
	var stack []byte // the open containers, '{' or '['
	for {
		// A value starts at i.
		if i >= len(b) {
			return i, false
		}
		var ok bool
		switch c := b[i]; c {
		case '{', '[':
			if depth+len(stack) >= maxDepth {
				return i, false
			}
			i = SkipWS(b, i+1)
			if i < len(b) && b[i] == c+2 { // '}' and ']' follow their openers by two
				i++
				break
			}
			stack = append(stack, c)
			if c == '{' {
				if i, ok = member(b, i); !ok {
					return i, false
				}
			}
			continue
		case '"':
			if i, ok = validString(b, i); !ok {
				return i, false
			}
		case 't':
			if i, ok = literal(b, i, "true"); !ok {
				return i, false
			}
		case 'f':
			if i, ok = literal(b, i, "false"); !ok {
				return i, false
			}
		case 'n':
			if i, ok = literal(b, i, "null"); !ok {
				return i, false
			}
		default:
			if i, ok = validNumber(b, i); !ok {
				return i, false
			}
		}
		// The value ended at i: close the containers that end here, then find the next value.
		for {
			if len(stack) == 0 {
				return i, true
			}
			i = SkipWS(b, i)
			if i >= len(b) {
				return i, false
			}
			top := stack[len(stack)-1]
			if b[i] == ',' {
				i = SkipWS(b, i+1)
				if top == '{' {
					if i, ok = member(b, i); !ok {
						return i, false
					}
				}
				break
			}
			if b[i] != top+2 {
				return i, false
			}
			stack = stack[:len(stack)-1]
			i++
		}
	}
}

// member checks an object member's key and colon at b[i] and returns where its value starts.
func member(b []byte, i int) (int, bool) {
	i, ok := validString(b, i)
	if !ok {
		return i, false
	}
	i = SkipWS(b, i)
	if i >= len(b) || b[i] != ':' {
		return i, false
	}
	return SkipWS(b, i+1), true
}

func literal(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

// validString checks the string at b[i] and returns the index after it. Like json.Valid it
// accepts any byte from 0x20 up (invalid UTF-8 included) and the escapes of RFC 8259.
func validString(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	for j := skipPlain(b, i+1); j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			j++
			if j >= len(b) {
				return i, false
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-j <= 4 || !isHex(b[j+1]) || !isHex(b[j+2]) || !isHex(b[j+3]) || !isHex(b[j+4]) {
					return i, false
				}
				j += 4
			default:
				return i, false
			}
			j = skipPlain(b, j+1) - 1
		}
	}
	return i, false
}

// validNumber checks the number at b[i] (RFC 8259 grammar) and returns the index after it.
func validNumber(b []byte, i int) (int, bool) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && b[j] >= '1' && b[j] <= '9':
		j = digits(b, j+1)
	default:
		return i, false
	}
	if j < len(b) && b[j] == '.' {
		if j+1 >= len(b) || !isDigit(b[j+1]) {
			return i, false
		}
		j = digits(b, j+1)
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if j >= len(b) || !isDigit(b[j]) {
			return i, false
		}
		j = digits(b, j)
	}
	return j, true
}

func digits(b []byte, j int) int {
	for j < len(b) && isDigit(b[j]) {
		j++
	}
	return j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
