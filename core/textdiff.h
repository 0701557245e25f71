/* Unified line diffs of two texts, as `diff -u` prints them: how Argo CD's live and
 * target manifests of a managed resource differ, shown in the console. */
#ifndef OPSDECK_CORE_TEXTDIFF_H
#define OPSDECK_CORE_TEXTDIFF_H

#include <stddef.h>

/* The unified diff of two texts (split on '\n'; a '\r' before it stays part of the line),
 * with `context` lines of context (negative counts as 0), as text:
 *   "--- a_label\n+++ b_label\n" then hunks "@@ -l,s +l,s @@\n" whose lines are prefixed
 *   ' ' (both), '-' (only in a), '+' (only in b).
 * Hunk headers are GNU diff's: ",s" is left out when s is 1, an empty range is "-l,0"
 * with l the line before it ("-0,0" for an empty text); changes at most 2*context lines
 * apart share a hunk. A last line without '\n' is a different line from the same text
 * with one, and is followed by "\ No newline at end of file\n".
 * NULL texts count as empty, NULL labels as "a" and "b".
 * Returns "" (an empty string, not NULL) when the texts are equal. Caller frees.
 * The edit script is a shortest one (Myers' O(ND) search) unless the texts differ by more
 * than TEXTDIFF_MAX_EDITS lines; past that, the search keeps the furthest-reaching path
 * it found and starts again from there, so memory stays bounded (a few MB) and the diff
 * stays correct but may not be minimal. */
char *textdiff_unified(const char *a, const char *b, const char *a_label, const char *b_label,
		       int context);

/* Edits per search round before the fallback described above. */
#define TEXTDIFF_MAX_EDITS 1024

/* One line of a unified diff, for colouring. */
struct textdiff_line {
	char op;          /* 'h' file header ("--- ", "+++ ", or any line outside a hunk),
			   * '@' hunk header, ' ' context, '-' removed, '+' added,
			   * '\\' the "\ No newline at end of file" marker */
	const char *text; /* the whole line, prefix included, pointing into the diff text */
	size_t len;       /* bytes of text, without the '\n' */
};

/* Splits unified diff text (textdiff_unified's, or several files' worth as
 * `argocd app diff` prints them) into lines and says what each is. Hunk bodies are
 * delimited by their headers' counts, so a removed line "-- x" (shown as "--- x") is
 * still a '-' line. The lines point into `unified`, which must outlive them.
 * Stores the line count in *count; returns NULL when there are no lines.
 * Free with textdiff_lines_free. */
struct textdiff_line *textdiff_lines(const char *unified, size_t *count);
void textdiff_lines_free(struct textdiff_line *lines);

#endif
