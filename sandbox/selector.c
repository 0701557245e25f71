/* Label and field selectors, parsed and matched the way the Kubernetes API server does
 * (k8s.io/apimachinery labels and fields packages), with the same error wording so that
 * kubectl shows what it would show against a real cluster. */
#include "sandbox/selector.h"

#include "core/strbuf.h"
#include "core/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum sel_op { OP_EXISTS, OP_NOT_EXISTS, OP_EQ, OP_NE, OP_IN, OP_NOTIN, OP_GT, OP_LT };

struct sel_req {
	char *key;
	enum sel_op op;
	char **values;
	size_t nvalues, cap;
};

struct selector {
	bool fields;   /* keys are dotted paths into the object, not label names */
	struct sel_req *reqs;
	size_t n, cap;
};

/* Tokens of the label selector language. */
enum sel_tok {
	TOK_EOS, TOK_ID, TOK_OPEN, TOK_CLOSE, TOK_COMMA, TOK_NOT, TOK_EQ, TOK_DEQ, TOK_NEQ,
	TOK_IN, TOK_NOTIN, TOK_GT, TOK_LT
};

struct sel_token {
	enum sel_tok tok;
	char *lit;
};

struct sel_parser {
	struct sel_token *toks;
	size_t n, cap, pos;
	struct strbuf err;   /* the reason parsing stopped */
};

static const struct {
	const char *text;
	enum sel_tok tok;
} sel_keywords[] = {
	{")", TOK_CLOSE}, {",", TOK_COMMA}, {"!", TOK_NOT}, {"==", TOK_DEQ}, {"=", TOK_EQ},
	{">", TOK_GT}, {"in", TOK_IN}, {"<", TOK_LT}, {"!=", TOK_NEQ}, {"notin", TOK_NOTIN},
	{"(", TOK_OPEN},
};

static const char sel_name_regex_error[] =
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
	"with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
	"used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

static bool sel_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool sel_is_special(char c)
{
	return c && strchr("=!(),><", c) != NULL;
}

static bool sel_is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int sel_keyword(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof sel_keywords / sizeof sel_keywords[0]; i++)
		if (strlen(sel_keywords[i].text) == len && memcmp(sel_keywords[i].text, s, len) == 0)
			return (int)sel_keywords[i].tok;
	return -1;
}

static void sel_push_token(struct sel_parser *p, enum sel_tok tok, const char *s, size_t len)
{
	p->toks = xgrow(p->toks, &p->cap, p->n + 1, sizeof *p->toks);
	p->toks[p->n].tok = tok;
	p->toks[p->n].lit = xstrndup(s, len);
	p->n++;
}

/* Splits text into tokens. Runs of operator characters take the longest prefix that is
 * an operator ("!=" but "=" then "("), every other run up to a space or an operator
 * character is a word, and the words "in" and "notin" are keywords. */
static void sel_lex(struct sel_parser *p, const char *s)
{
	for (;;) {
		while (sel_is_space(*s))
			s++;
		if (!*s)
			break;
		size_t len = 0;
		if (sel_is_special(*s)) {
			size_t best = 1;
			while (sel_is_special(s[len])) {
				len++;
				if (sel_keyword(s, len) >= 0)
					best = len;
				else
					break;
			}
			sel_push_token(p, (enum sel_tok)sel_keyword(s, best), s, best);
			s += best;
			continue;
		}
		while (s[len] && !sel_is_special(s[len]) && !sel_is_space(s[len]))
			len++;
		int kw = sel_keyword(s, len);
		sel_push_token(p, kw >= 0 ? (enum sel_tok)kw : TOK_ID, s, len);
		s += len;
	}
	sel_push_token(p, TOK_EOS, "", 0);
}

/* The current token. In value position "in" and "notin" are plain words ("x in (in)"). */
static enum sel_tok sel_peek(const struct sel_parser *p, bool value, const char **lit)
{
	const struct sel_token *t = &p->toks[p->pos];
	if (lit)
		*lit = t->lit;
	if (value && (t->tok == TOK_IN || t->tok == TOK_NOTIN))
		return TOK_ID;
	return t->tok;
}

static enum sel_tok sel_next(struct sel_parser *p, bool value, const char **lit)
{
	enum sel_tok tok = sel_peek(p, value, lit);
	if (p->toks[p->pos].tok != TOK_EOS)
		p->pos++;
	return tok;
}

/* Appends one validation failure as apimachinery's field.Error prints it. */
static void sel_invalid(struct strbuf *errs, size_t *count, const char *path, const char *value,
			const char *detail)
{
	if ((*count)++)
		strbuf_puts(errs, ", ");
	strbuf_printf(errs, "%s: Invalid value: \"%s\": %s", path, value, detail);
}

static bool sel_name_ok(const char *s, size_t len)
{
	if (len == 0 || !sel_is_alnum(s[0]) || !sel_is_alnum(s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!sel_is_alnum(s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

/* RFC 1123 subdomain: dot-separated lower-case labels of [a-z0-9-], each starting and
 * ending with [a-z0-9]. */
static bool sel_subdomain_ok(const char *s, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.') {
			char c = s[i];
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
				return false;
			continue;
		}
		if (i == start || s[start] == '-' || s[i - 1] == '-')
			return false;
		start = i + 1;
	}
	return true;
}

/* validation.IsQualifiedName: [prefix/]name, messages joined by "; ". */
static void sel_check_key(const char *key, struct strbuf *why)
{
	const char *slash = strchr(key, '/');
	const char *name = key;
	if (slash && strchr(slash + 1, '/')) {
		strbuf_printf(why, "a qualified name %s with an optional DNS subdomain prefix and "
			      "'/' (e.g. 'example.com/MyName')", sel_name_regex_error);
		return;
	}
	if (slash) {
		size_t plen = (size_t)(slash - key);
		if (plen == 0)
			strbuf_puts(why, "prefix part must be non-empty");
		else if (plen > 253)
			strbuf_puts(why, "prefix part must be no more than 253 characters");
		else if (!sel_subdomain_ok(key, plen))
			strbuf_puts(why, "prefix part a lowercase RFC 1123 subdomain must consist of "
				    "lower case alphanumeric characters, '-' or '.', and must start and "
				    "end with an alphanumeric character (e.g. 'example.com', regex used "
				    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]"
				    "([-a-z0-9]*[a-z0-9])?)*')");
		name = slash + 1;
	}
	size_t nlen = strlen(name);
	const char *sep = why->len ? "; " : "";
	if (nlen == 0) {
		strbuf_printf(why, "%sname part must be non-empty", sep);
		sep = "; ";
	} else if (nlen > 63) {
		strbuf_printf(why, "%sname part must be no more than 63 characters", sep);
		sep = "; ";
	}
	if (!sel_name_ok(name, nlen))
		strbuf_printf(why, "%sname part %s", sep, sel_name_regex_error);
}

static void sel_check_value(const char *v, struct strbuf *why)
{
	size_t len = strlen(v);
	if (len > 63)
		strbuf_puts(why, "must be no more than 63 characters");
	if (len && !sel_name_ok(v, len))
		strbuf_printf(why, "%sa valid label value must be an empty string or consist of "
			      "alphanumeric characters, '-', '_' or '.', and must start and end with "
			      "an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
			      "'12345', regex used for validation is "
			      "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')", why->len ? "; " : "");
}

static bool sel_parse_int(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || sel_is_space(*s))
		return false;
	*out = v;
	return true;
}

/* NewRequirement's checks of the values; appends to errs, counting in *count. */
static void sel_check_values(const struct sel_req *r, struct strbuf *errs, size_t *count)
{
	for (size_t i = 0; i < r->nvalues; i++) {
		char path[64];
		long long ignored;
		snprintf(path, sizeof path, "values[%zu]", i);
		if ((r->op == OP_GT || r->op == OP_LT) && !sel_parse_int(r->values[i], &ignored))
			sel_invalid(errs, count, path, r->values[i],
				    "for 'Gt', 'Lt' operators, the value must be an integer");
		struct strbuf why = STRBUF_INIT;
		sel_check_value(r->values[i], &why);
		if (why.len) {
			char *vpath = xasprintf("%s[%s]", path, r->key);
			sel_invalid(errs, count, vpath, r->values[i], strbuf_str(&why));
			free(vpath);
		}
		strbuf_free(&why);
	}
}

static void sel_req_add_value(struct sel_req *r, const char *v)
{
	for (size_t i = 0; i < r->nvalues; i++)
		if (strcmp(r->values[i], v) == 0)
			return;   /* a set, as in apimachinery */
	r->values = xgrow(r->values, &r->cap, r->nvalues + 1, sizeof *r->values);
	r->values[r->nvalues++] = xstrdup(v);
}

static void sel_req_clear(struct sel_req *r)
{
	for (size_t i = 0; i < r->nvalues; i++)
		free(r->values[i]);
	free(r->values);
	free(r->key);
	memset(r, 0, sizeof *r);
}

/* "(a,b,c)", where empty entries stand for the empty value. */
static int sel_parse_value_set(struct sel_parser *p, struct sel_req *r)
{
	const char *lit;
	if (sel_next(p, true, &lit) != TOK_OPEN) {
		strbuf_printf(&p->err, "found '%s' expected: '('", lit);
		return -1;
	}
	enum sel_tok tok = sel_peek(p, true, &lit);
	if (tok == TOK_CLOSE) {
		sel_next(p, true, NULL);
		sel_req_add_value(r, "");
		return 0;
	}
	if (tok != TOK_ID && tok != TOK_COMMA) {
		strbuf_printf(&p->err, "found '%s', expected: ',', ')' or identifier", lit);
		return -1;
	}
	bool want_value = true;   /* at the start or after a comma */
	for (;;) {
		tok = sel_next(p, true, &lit);
		if (tok == TOK_ID && want_value) {
			sel_req_add_value(r, lit);
			want_value = false;
		} else if (tok == TOK_COMMA) {
			if (want_value)
				sel_req_add_value(r, "");
			want_value = true;
		} else if (tok == TOK_CLOSE) {
			if (want_value)
				sel_req_add_value(r, "");
			return 0;
		} else {
			strbuf_printf(&p->err, want_value ? "found '%s', expected: ',', or identifier"
							  : "found '%s', expected: ',' or ')'", lit);
			return -1;
		}
	}
}

static int sel_parse_operator(struct sel_parser *p, struct sel_req *r)
{
	const char *lit;
	switch (sel_next(p, false, &lit)) {
	case TOK_IN: r->op = OP_IN; return 0;
	case TOK_NOTIN: r->op = OP_NOTIN; return 0;
	case TOK_EQ: case TOK_DEQ: r->op = OP_EQ; return 0;
	case TOK_NEQ: r->op = OP_NE; return 0;
	case TOK_GT: r->op = OP_GT; return 0;
	case TOK_LT: r->op = OP_LT; return 0;
	default:
		strbuf_printf(&p->err, "found '%s', expected: in, notin, =, ==, !=, gt, lt", lit);
		return -1;
	}
}

/* [!]key [op value | op (values)]. On failure p->err holds the reason. */
static int sel_parse_requirement(struct sel_parser *p, struct sel_req *r)
{
	const char *lit;
	enum sel_tok tok = sel_next(p, true, &lit);
	bool negated = tok == TOK_NOT;
	if (negated)
		tok = sel_next(p, true, &lit);
	if (tok != TOK_ID) {
		strbuf_printf(&p->err, "found '%s', expected: identifier", lit);
		return -1;
	}
	struct strbuf why = STRBUF_INIT;
	sel_check_key(lit, &why);
	if (why.len) {
		size_t count = 0;
		sel_invalid(&p->err, &count, "<nil>", lit, strbuf_str(&why));
		strbuf_free(&why);
		return -1;
	}
	r->key = xstrdup(lit);
	tok = sel_peek(p, true, NULL);
	if (tok == TOK_EOS || tok == TOK_COMMA) {
		r->op = negated ? OP_NOT_EXISTS : OP_EXISTS;
		return 0;
	}
	if (sel_parse_operator(p, r))
		return -1;
	if (r->op == OP_IN || r->op == OP_NOTIN) {
		if (sel_parse_value_set(p, r))
			return -1;
	} else if (tok = sel_peek(p, true, &lit), tok == TOK_EOS || tok == TOK_COMMA) {
		sel_req_add_value(r, "");
	} else if (sel_next(p, true, &lit) == TOK_ID) {
		sel_req_add_value(r, lit);
	} else {
		strbuf_printf(&p->err, "found '%s', expected: identifier", lit);
		return -1;
	}
	size_t count = 0;
	sel_check_values(r, &why, &count);
	if (count)
		strbuf_printf(&p->err, count > 1 ? "[%s]" : "%s", strbuf_str(&why));
	strbuf_free(&why);
	return count ? -1 : 0;
}

static void sel_add(struct selector *sel, struct sel_req *r)
{
	sel->reqs = xgrow(sel->reqs, &sel->cap, sel->n + 1, sizeof *sel->reqs);
	sel->reqs[sel->n++] = *r;
	memset(r, 0, sizeof *r);
}

/* The grammar loop: requirements separated by commas, up to the end. */
static int sel_parse_all(struct sel_parser *p, struct selector *sel)
{
	for (;;) {
		const char *lit;
		enum sel_tok tok = sel_peek(p, true, &lit);
		if (tok == TOK_EOS)
			return 0;
		if (tok != TOK_ID && tok != TOK_NOT) {
			strbuf_printf(&p->err, "found '%s', expected: !, identifier, or 'end of string'",
				      lit);
			return -1;
		}
		struct sel_req r = {0};
		if (sel_parse_requirement(p, &r)) {
			char *why = strbuf_detach(&p->err);
			strbuf_printf(&p->err, "unable to parse requirement: %s", why);
			free(why);
			sel_req_clear(&r);
			return -1;
		}
		sel_add(sel, &r);
		tok = sel_next(p, true, &lit);
		if (tok == TOK_EOS)
			return 0;
		if (tok != TOK_COMMA) {
			strbuf_printf(&p->err, "found '%s', expected: ',' or 'end of string'", lit);
			return -1;
		}
		tok = sel_peek(p, true, &lit);
		if (tok != TOK_ID && tok != TOK_NOT) {
			strbuf_printf(&p->err, "found '%s', expected: identifier after ','", lit);
			return -1;
		}
	}
}

struct selector *selector_parse_labels(const char *text, char *err, size_t errlen)
{
	struct selector *sel = xcalloc(1, sizeof *sel);
	struct sel_parser p = {0};
	sel_lex(&p, text ? text : "");
	int rc = sel_parse_all(&p, sel);
	if (rc)
		snprintf(err, errlen, "%s", strbuf_str(&p.err));
	for (size_t i = 0; i < p.n; i++)
		free(p.toks[i].lit);
	free(p.toks);
	strbuf_free(&p.err);
	if (rc) {
		selector_free(sel);
		return NULL;
	}
	return sel;
}

/* Field selector values escape '\', ',' and '=' with a backslash. */
static char *sel_unescape_field(const char *s, size_t len, char *err, size_t errlen)
{
	struct strbuf out = STRBUF_INIT;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\\') {
			if (i + 1 == len || !strchr("\\,=", s[i + 1])) {
				snprintf(err, errlen, "invalid field selector: invalid escape sequence: "
					 "\\%.*s", i + 1 == len ? 0 : 1, s + i + 1);
				strbuf_free(&out);
				return NULL;
			}
			c = s[++i];
		} else if (c == ',' || c == '=') {
			/* apimachinery prints the rune as a number */
			snprintf(err, errlen, "invalid field selector: unescaped character in value: %d",
				 c);
			strbuf_free(&out);
			return NULL;
		}
		strbuf_putc(&out, c);
	}
	return strbuf_detach(&out);
}

/* Finds the operator of one term: the first "!=", "==" or "=". Like apimachinery's
 * splitTerm it does not look at escapes, so an escaped '=' in a field name is an error. */
static const char *sel_field_operator(const char *term, size_t len, enum sel_op *op,
				      size_t *oplen)
{
	for (size_t i = 0; i < len; i++) {
		if (i + 1 < len && term[i] == '!' && term[i + 1] == '=') {
			*op = OP_NE, *oplen = 2;
			return term + i;
		}
		if (term[i] == '=') {
			*op = OP_EQ;
			*oplen = i + 1 < len && term[i + 1] == '=' ? 2 : 1;
			return term + i;
		}
	}
	return NULL;
}

static int sel_parse_field_term(struct selector *sel, const char *text, const char *term,
				size_t len, char *err, size_t errlen)
{
	struct sel_req r = {0};
	size_t oplen;
	const char *at = sel_field_operator(term, len, &r.op, &oplen);
	if (!at) {
		snprintf(err, errlen, "invalid selector: '%s'; can't understand '%.*s'", text,
			 (int)len, term);
		return -1;
	}
	const char *rhs = at + oplen;
	char *value = sel_unescape_field(rhs, len - (size_t)(rhs - term), err, errlen);
	if (!value)
		return -1;
	r.key = xstrndup(term, (size_t)(at - term));
	r.values = xmalloc(sizeof *r.values);
	r.values[0] = value;
	r.nvalues = r.cap = 1;
	sel_add(sel, &r);
	return 0;
}

struct selector *selector_parse_fields(const char *text, char *err, size_t errlen)
{
	struct selector *sel = xcalloc(1, sizeof *sel);
	sel->fields = true;
	const char *s = text ? text : "";
	size_t start = 0, i = 0;
	for (;; i++) {
		if (s[i] == '\\' && s[i + 1]) {
			i++;
			continue;
		}
		if (s[i] && s[i] != ',')
			continue;
		if (i > start && sel_parse_field_term(sel, s, s + start, i - start, err, errlen)) {
			selector_free(sel);
			return NULL;
		}
		if (!s[i])
			break;
		start = i + 1;
	}
	return sel;
}

/* A field's value as the API server's field sets print it: strings as they are, numbers
 * and booleans in their JSON form, anything missing or structured as "". */
static char *sel_field_value(const json_t *obj, const char *path)
{
	const json_t *cur = obj;
	const char *p = path;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		cur = json_is_object(cur) ? json_object_getn(cur, p, len) : NULL;
		p += len + (dot ? 1 : 0);
	}
	if (json_is_string(cur))
		return xstrdup(json_string_value(cur));
	if (json_is_integer(cur))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(cur));
	if (json_is_real(cur))
		return xasprintf("%g", json_real_value(cur));
	if (json_is_boolean(cur))
		return xstrdup(json_is_true(cur) ? "true" : "false");
	return xstrdup("");
}

static bool sel_has_value(const struct sel_req *r, const char *v)
{
	for (size_t i = 0; i < r->nvalues; i++)
		if (strcmp(r->values[i], v) == 0)
			return true;
	return false;
}

static bool sel_label_matches(const struct sel_req *r, const json_t *labels)
{
	const json_t *v = json_object_get(labels, r->key);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	long long have, want;
	switch (r->op) {
	case OP_EXISTS: return v != NULL;
	case OP_NOT_EXISTS: return v == NULL;
	case OP_EQ: case OP_IN: return s && sel_has_value(r, s);
	case OP_NE: case OP_NOTIN: return !s || !sel_has_value(r, s);
	case OP_GT: case OP_LT:
		if (!s || !sel_parse_int(s, &have) || !sel_parse_int(r->values[0], &want))
			return false;
		return r->op == OP_GT ? have > want : have < want;
	}
	return false;
}

bool selector_matches(const struct selector *sel, const json_t *obj)
{
	if (!sel)
		return true;
	const json_t *labels = json_object_get(json_object_get(obj, "metadata"), "labels");
	for (size_t i = 0; i < sel->n; i++) {
		const struct sel_req *r = &sel->reqs[i];
		bool ok;
		if (sel->fields) {
			char *v = sel_field_value(obj, r->key);
			ok = (strcmp(v, r->values[0]) == 0) == (r->op == OP_EQ);
			free(v);
		} else {
			ok = sel_label_matches(r, labels);
		}
		if (!ok)
			return false;
	}
	return true;
}

void selector_free(struct selector *sel)
{
	if (!sel)
		return;
	for (size_t i = 0; i < sel->n; i++)
		sel_req_clear(&sel->reqs[i]);
	free(sel->reqs);
	free(sel);
}
