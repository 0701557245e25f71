/* opsdeck: argument parsing; a batch subcommand or the console. */
#include <stdio.h>

int main(void)
{
	puts("opsdeck");
	return 0;
}
