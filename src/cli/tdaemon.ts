console.log('tdaemon: not yet');
