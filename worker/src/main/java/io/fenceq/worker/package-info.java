package io.fenceq.worker;
