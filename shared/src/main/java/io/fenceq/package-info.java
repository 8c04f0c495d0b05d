package io.fenceq;
