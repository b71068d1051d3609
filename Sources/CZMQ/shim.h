// ZeroMQ (Debian's libzmq3-dev) through its plain C API: contexts, sockets, multipart
// messages and zmq_poll. Every function used is fixed-arity, so Swift calls them directly.
// Only the JupyterKernel target imports this.
#include<zmq.h>
