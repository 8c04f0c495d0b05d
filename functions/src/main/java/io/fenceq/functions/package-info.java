package io.fenceq.functions;
