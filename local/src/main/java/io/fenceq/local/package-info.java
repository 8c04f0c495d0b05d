package io.fenceq.local;
