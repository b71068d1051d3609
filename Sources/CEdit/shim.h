// libedit through its readline-compatible API: readline(), add_history(), read_history(),
// write_history(), completion hooks. These are fixed-arity, unlike el_set()/history(),
// so Swift can call them. Only the REPL target imports this.
#include <stdio.h>
#include <editline/readline.h>
