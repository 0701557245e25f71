/* The view registry (views/view.h): generated from VIEW_LIST. */
#include "views/view.h"

#include <string.h>

#define VIEW_ENTRY_(id, ops, cmd, aliases, help) {&ops, cmd, aliases, help},
static const struct view_entry registry[] = {VIEW_LIST(VIEW_ENTRY_)};
#undef VIEW_ENTRY_

const struct view_entry *view_registry(size_t *n)
{
	*n = sizeof registry / sizeof registry[0];
	return registry;
}

/* True when word is one of the space-separated names in list. */
static bool in_list(const char *list, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, " ");
		if (n == len && strncmp(p, word, n) == 0)
			return true;
		p += n;
		while (*p == ' ')
			p++;
	}
	return false;
}

const struct view_entry *view_registry_find(const char *name)
{
	for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
		if (strcmp(registry[i].command, name) == 0 || in_list(registry[i].aliases, name))
			return &registry[i];
	return NULL;
}
